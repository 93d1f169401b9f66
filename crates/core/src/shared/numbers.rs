//! Numbers people quote (`INC-2026-0K3F7Q-M2X9AB`), derived from a record's UUIDv7 so that
//! two copies of a workspace working offline never mint the same one and no counter is
//! shared: the year the id was minted in (UTC), then twelve Crockford base-32 characters
//! holding the seconds since that year began (25 bits) and the id's last 35 bits, which are
//! random (uuid's v7 counter, when used, sits above them). Two numbers meet only if two ids
//! share their second and 35 random bits (for 10,000 incidents minted within one second,
//! odds of about 1 in 700); within a year, numbers sort by the second they were minted in.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use uuid::Uuid;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The number of the record with UUIDv7 `id`, e.g. `number("INC", id)`.
pub fn number(prefix: &str, id: Uuid) -> String {
    let bytes = id.as_bytes();
    let millis = bytes[..6]
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let minted = DateTime::<Utc>::from_timestamp_millis(millis as i64).unwrap_or_default();
    let year = minted.year();
    let year_start = Utc
        .with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .single()
        .map(|t| t.timestamp_millis() as u64)
        .unwrap_or(0);
    let second = (millis.saturating_sub(year_start) / 1000) & ((1 << 25) - 1);
    let random = bytes[11..]
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
        & ((1 << 35) - 1);
    let value = (second << 35) | random;
    let code: Vec<char> = (0..12)
        .rev()
        .map(|i| CROCKFORD[((value >> (i * 5)) & 31) as usize] as char)
        .collect();
    let (high, low) = code.split_at(6);
    format!(
        "{prefix}-{year}-{}-{}",
        high.iter().collect::<String>(),
        low.iter().collect::<String>()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn numbers_carry_the_year_and_sort_by_creation() {
        let a = Uuid::now_v7();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let b = Uuid::now_v7();
        let (na, nb) = (number("INC", a), number("INC", b));
        let year = Utc::now().year();
        assert!(na.starts_with(&format!("INC-{year}-")), "{na}");
        assert_eq!(na.len(), "INC-2026-".len() + 13);
        assert!(na < nb, "{na} {nb}");
    }

    #[test]
    fn two_copies_minting_at_once_do_not_collide() {
        // Ten thousand ids minted as fast as possible (all within a second or two, as if many
        // copies worked at the same moment): every number is different.
        let numbers: HashSet<String> = (0..10_000).map(|_| number("INC", Uuid::now_v7())).collect();
        assert_eq!(numbers.len(), 10_000);
    }
}
