//! The password for a server login given by address (IT's roles, for `server init` and
//! `share`), looked up as libpq does: in the address, else `PGPASSWORD`, else the password
//! file (`PGPASSFILE`, else `~/.pgpass`, on Windows `%APPDATA%\postgresql\pgpass.conf`). A
//! member's own login never comes from here: its password is derived from their passphrase.

use std::path::{Path, PathBuf};

/// The password for `user` at `host:port/database`, if one is given anywhere.
pub fn password_for(host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    if let Some(p) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
        return Some(p);
    }
    let file = password_file()?;
    if !private_enough(&file) {
        return None;
    }
    let text = std::fs::read_to_string(&file).ok()?;
    lookup(&text, host, port, database, user)
}

fn password_file() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("PGPASSFILE") {
        return Some(file.into());
    }
    if cfg!(windows) {
        std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("postgresql/pgpass.conf"))
    } else {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
    }
}

/// libpq ignores a password file others may read (on Unix), and so do we.
fn private_enough(file: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o077 == 0)
    }
    #[cfg(not(unix))]
    {
        file.is_file()
    }
}

/// The first line of a password file matching the connection: `host:port:database:user:
/// password`, each of the first four a value or `*`, with `\:` and `\\` escaping; lines
/// starting with `#` are comments.
pub fn lookup(text: &str, host: &str, port: u16, database: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    let wanted = [host, port.as_str(), database, user];
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(fields)
        .find(|f| {
            f.iter()
                .zip(wanted)
                .all(|(field, value)| field == "*" || field == value)
        })
        .map(|mut f| f.swap_remove(4))
}

/// The five fields of a line, unescaped; `None` for a line with fewer.
fn fields(line: &str) -> Option<Vec<String>> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.last_mut()?.push(chars.next().unwrap_or('\\')),
            ':' if out.len() < 5 => out.push(String::new()),
            c => out.last_mut()?.push(c),
        }
    }
    (out.len() == 5).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::lookup;

    #[test]
    fn the_first_matching_line_wins_with_wildcards_and_escapes() {
        let file = "# IT's logins\n\
                    db.example.cn:5432:govbench:it_admin:first\n\
                    *:*:govbench:it_admin:second\n\
                    localhost:5433:*:*:p\\:a\\\\ss:word\n\
                    short:line\n";
        let found = |h, p, d, u| lookup(file, h, p, d, u);
        assert_eq!(
            found("db.example.cn", 5432, "govbench", "it_admin").as_deref(),
            Some("first")
        );
        assert_eq!(
            found("other", 6000, "govbench", "it_admin").as_deref(),
            Some("second")
        );
        assert_eq!(
            found("localhost", 5433, "x", "y").as_deref(),
            Some("p:a\\ss:word")
        );
        assert_eq!(found("db.example.cn", 5432, "other", "it_admin"), None);
    }
}
