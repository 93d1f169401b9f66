//! Join codes. Sharing a workspace sends its log, not its members' server logins: a member from
//! before sharing gets a one-off code from an Admin, logs in with it once to join, and
//! replaces it at once with the login their passphrase gives (`Server::set_own_password`), so
//! the code stops working as it is used. The server issues a code only while the member has no
//! login of their own (a code would replace a working one and lock them out), and records
//! every code it issues, with who issued it.

use super::*;
use crate::keyslots::server_password;
use govbench_protocol::{Role, UserId};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

/// Crockford's base 32: no I, L, O or U, so a code read aloud or retyped survives.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh code: 100 random bits as 20 characters in groups of five (`7K2QF-M9XDP-…`).
pub fn new_join_code() -> String {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as someone typed it: case, dashes and spaces do not matter, and the letters people
/// confuse with digits are read as those digits.
pub fn normalized_join_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The server password a join code gives `name` on `workspace`.
pub fn join_code_password(
    code: &str,
    workspace: Uuid,
    name: &str,
) -> CoreResult<Zeroizing<String>> {
    server_password(&normalized_join_code(code), workspace, name)
}

impl Session {
    /// An Admin, online, gives `member` a join code: their server login is made (or its
    /// password replaced) so that they can join from their desktop with it and their own
    /// passphrase. The code is shown once; it is not kept anywhere.
    pub fn issue_join_code(&mut self, member: UserId) -> ApiResult<String> {
        self.read(UserPermission::Manage, |_| Ok(()))?;
        let issued = (|| -> CoreResult<String> {
            if ServerNote::load(self.connection().0)?.is_none() {
                return Err(refused(ServerRefusal::NotShared));
            }
            if member == self.user().id {
                return Err(CoreError::invalid("member", "self"));
            }
            let user = crate::members::find(self.connection().0, member)?
                .ok_or_else(|| CoreError::invalid("member", "unknown_user"))?;
            let code = new_join_code();
            let login = MemberLogin {
                id: member.0,
                is_admin: user.role == Role::Admin,
                password: join_code_password(&code, self.workspace_id().0, &user.name)?,
                name: user.name,
            };
            let Some(mut server) = self.take_server() else {
                return Err(refused(ServerRefusal::NotConnected));
            };
            let result = server.issue_login(&login);
            self.set_server(Some(server));
            result?;
            Ok(code)
        })();
        issued.map_err(|e| self.explain(e).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_random_readable_and_forgiving_to_type() {
        let code = new_join_code();
        assert_eq!(code.len(), 23, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        assert_ne!(code, new_join_code());
        assert!(code
            .chars()
            .all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
        assert_eq!(normalized_join_code(&typed), code.replace('-', ""));
        assert_eq!(normalized_join_code("o1-Il"), "0111");
    }
}
