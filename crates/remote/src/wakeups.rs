//! Wake-ups. The server notifies the channel `govbench_<workspace>` as each event is placed
//! (at its commit); a desk listening there fetches at once instead of at its next poll. The
//! listener is a connection of its own, on a thread of its own, logging in again with backoff
//! when it is cut; polling stays the fallback, so a lost notification only delays.

use crate::ServerAddress;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The notifications of one workspace, for as long as this value lives.
pub struct Wakeups {
    /// Behind a lock so that the app can share the wake-ups between threads (one waits).
    notices: std::sync::Mutex<mpsc::Receiver<()>>,
    stop: Arc<AtomicBool>,
}

impl Wakeups {
    /// Listens on `workspace`'s channel as the member's login `role`.
    pub(crate) fn listen(
        address: ServerAddress,
        workspace: Uuid,
        role: String,
        password: zeroize::Zeroizing<String>,
    ) -> Wakeups {
        let (tx, notices) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            let mut wait = Duration::from_millis(250);
            while !stopped.load(Ordering::Relaxed) {
                let heard =
                    runtime.block_on(hear(&address, workspace, &role, &password, &tx, &stopped));
                if heard {
                    wait = Duration::from_millis(250);
                }
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        });
        Wakeups {
            notices: std::sync::Mutex::new(notices),
            stop,
        }
    }

    /// Waits up to `timeout` for a notification; whether one came (those that came meanwhile
    /// count as one: a single fetch takes in everything they announce).
    pub fn wait(&self, timeout: Duration) -> bool {
        let Ok(notices) = self.notices.lock() else {
            std::thread::sleep(timeout);
            return false;
        };
        let woken = notices.recv_timeout(timeout).is_ok();
        while notices.try_recv().is_ok() {}
        woken
    }
}

impl Drop for Wakeups {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One listening connection, until it ends or the wake-ups are dropped; whether it got to
/// listen at all.
async fn hear(
    address: &ServerAddress,
    workspace: Uuid,
    role: &str,
    password: &str,
    tx: &mpsc::Sender<()>,
    stop: &AtomicBool,
) -> bool {
    let connecting = address.connect_hearing(role, password, Some(tx.clone()));
    let Ok(Ok((client, mut driver))) =
        tokio::time::timeout(Duration::from_secs(15), connecting).await
    else {
        return false;
    };
    let channel = format!("LISTEN govbench_{}", workspace.simple());
    if client.batch_execute(&channel).await.is_err() {
        return false;
    }
    // Nothing missed while not listening: what was placed meanwhile is fetched now.
    let _ = tx.send(());
    loop {
        tokio::select! {
            _ = &mut driver => return true,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {
                if stop.load(Ordering::Relaxed) {
                    return true;
                }
            }
        }
    }
}
