//! Paging of the lists that page on the backend (requirements, incidents): one page size,
//! how many pages, which rows a page shows.

/// Rows per page, as the CLI pages too.
pub const PAGE_SIZE: u32 = 50;

/// How many pages `total` rows make (at least one, so "page 1 of 1" reads right when empty).
pub fn page_count(total: u64) -> u32 {
    let pages = total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    u32::try_from(pages).unwrap_or(u32::MAX)
}

/// 1-based first and last row shown on `page` (both 0 when there are none).
pub fn page_range(page: u32, shown: usize, total: u64) -> (u64, u64) {
    if shown == 0 || total == 0 {
        return (0, 0);
    }
    let first = u64::from(page) * u64::from(PAGE_SIZE) + 1;
    (first, first + shown as u64 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_ranges() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(50), 1);
        assert_eq!(page_count(51), 2);
        assert_eq!(page_count(101), 3);
        assert_eq!(page_range(0, 0, 0), (0, 0));
        assert_eq!(page_range(1, 7, 57), (51, 57));
    }
}
