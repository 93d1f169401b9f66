//! Full-text search for every feature: Chinese (and Japanese, Korean) by any substring, other
//! scripts by word beginnings, case- and accent-insensitively.
//!
//! Each searchable feature keeps one contentless FTS5 table (`<feature>_search(terms)`, the
//! `unicode61` tokenizer) whose rowid is the record's `local_key`, written in the same
//! transaction as the record. What is indexed are *terms* made here: CJK text becomes
//! overlapping character pairs plus the last character of each run, other text its words.
//! A query is turned into terms the same way:
//!
//! - one CJK character `医` → the prefix query `"医"*` (every occurrence starts a pair or ends
//!   a run, so this finds all of them);
//! - two characters `医疗` → the pair `"医疗"`;
//! - more `医疗事业` → the phrase of consecutive pairs `"医疗 疗事 事业"`, i.e. the substring;
//! - a word `memo` → the prefix query `"memo"*`.
//!
//! This is the "bigram" indexing of CJK search engines, done before FTS5 sees the text, so no
//! custom tokenizer has to be registered on every connection.

use crate::error::CoreResult;
use rusqlite::{params, Connection};

/// Queries longer than this are cut: a search box is not a document.
const MAX_QUERY_CHARS: usize = 200;

/// A feature's FTS5 table. Names are constants of the feature, never user input.
#[derive(Clone, Copy, Debug)]
pub struct SearchTable(pub &'static str);

/// What a search box's text asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    /// An FTS5 `MATCH` expression, built only from quoted terms.
    Match(String),
    /// Text with nothing searchable in it (only punctuation): matches no record.
    Nothing,
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'       // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}'     // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'     // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'     // CJK compatibility ideographs
        | '\u{AC00}'..='\u{D7AF}'     // Hangul syllables
        | '\u{20000}'..='\u{2FA1F}'   // CJK extensions B–F, compatibility supplement
    )
}

/// Full-width ASCII (`ＡＩ`, `１２３`), common in Chinese text, is folded to what people type.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

enum Run {
    Cjk(Vec<char>),
    Word(String),
}

fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut current: Option<Run> = None;
    for c in text.chars().map(fold_width) {
        let next = if is_cjk(c) {
            match current.take() {
                Some(Run::Cjk(mut chars)) => {
                    chars.push(c);
                    Some(Run::Cjk(chars))
                }
                other => {
                    out.extend(other);
                    Some(Run::Cjk(vec![c]))
                }
            }
        } else if c.is_alphanumeric() {
            match current.take() {
                Some(Run::Word(mut word)) => {
                    word.extend(c.to_lowercase());
                    Some(Run::Word(word))
                }
                other => {
                    out.extend(other);
                    Some(Run::Word(c.to_lowercase().collect()))
                }
            }
        } else {
            out.extend(current.take());
            None
        };
        current = next;
    }
    out.extend(current);
    out
}

/// The terms indexed for a record's searchable texts.
pub fn index_terms<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut terms: Vec<String> = Vec::new();
    for text in texts {
        for run in runs(text) {
            match run {
                Run::Word(word) => terms.push(word),
                Run::Cjk(chars) => {
                    terms.extend(chars.windows(2).map(|pair| pair.iter().collect()));
                    terms.extend(chars.last().map(char::to_string));
                }
            }
        }
    }
    terms.join(" ")
}

/// What to search for, or `None` when the text is blank (no text filter at all).
pub fn parse_query(text: &str) -> Option<Query> {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    if text.trim().is_empty() {
        return None;
    }
    let parts: Vec<String> = runs(&text)
        .into_iter()
        .map(|run| match run {
            Run::Word(word) => format!("\"{word}\"*"),
            Run::Cjk(chars) if chars.len() == 1 => format!("\"{}\"*", chars[0]),
            Run::Cjk(chars) => {
                let pairs: Vec<String> = chars.windows(2).map(|p| p.iter().collect()).collect();
                format!("\"{}\"", pairs.join(" "))
            }
        })
        .collect();
    Some(if parts.is_empty() {
        Query::Nothing
    } else {
        Query::Match(parts.join(" AND "))
    })
}

/// Indexes (or re-indexes) the record with `local_key`, inside the caller's transaction.
pub fn put<'a>(
    conn: &Connection,
    table: SearchTable,
    local_key: i64,
    texts: impl IntoIterator<Item = &'a str>,
) -> CoreResult<()> {
    let SearchTable(name) = table;
    conn.prepare_cached(&format!("DELETE FROM {name} WHERE rowid = ?1"))?
        .execute([local_key])?;
    conn.prepare_cached(&format!(
        "INSERT INTO {name} (rowid, terms) VALUES (?1, ?2)"
    ))?
    .execute(params![local_key, index_terms(texts)])?;
    Ok(())
}

/// The search tables of a file being filled from scratch (a copy being joined), each replaced
/// by a plain table of the same name and columns until [`DeferredSearch::index`] builds it
/// once, from everything put meanwhile.
///
/// Why: FTS5 writes what it holds in memory to disk at every statement-level savepoint, and
/// nearly every statement that writes opens one. Indexing record by record among the other
/// writes of a join left a segment per record and merged them over and over: a sixth of the
/// join's time. [`put`] works unchanged on the plain table.
pub(crate) struct DeferredSearch {
    /// Each table's name and the statement that created it, as the file's schema holds it.
    tables: Vec<(String, String)>,
}

impl DeferredSearch {
    pub(crate) fn begin(conn: &Connection) -> CoreResult<DeferredSearch> {
        let tables: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema
                  WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (name, _) in &tables {
            conn.execute_batch(&format!(
                "DROP TABLE \"{name}\"; CREATE TABLE \"{name}\" (terms TEXT);"
            ))?;
        }
        Ok(DeferredSearch { tables })
    }

    /// Each search table made again as it was created and filled in one statement.
    pub(crate) fn index(self, conn: &Connection) -> CoreResult<()> {
        for (name, created) in &self.tables {
            conn.execute_batch(&format!(
                "ALTER TABLE \"{name}\" RENAME TO \"{name}_deferred\";
                 {created};
                 INSERT INTO \"{name}\" (rowid, terms) SELECT rowid, terms FROM \"{name}_deferred\";
                 DROP TABLE \"{name}_deferred\";"
            ))?;
        }
        Ok(())
    }
}

/// A subquery selecting the `local_key`s of matching records, with one `?` for the expression.
pub fn keys_matching(table: SearchTable) -> String {
    let SearchTable(name) = table;
    format!("SELECT rowid FROM {name} WHERE {name} MATCH ?")
}

/// The `local_key`s of all matching records, ascending (for [`Matches::contains`]).
pub fn matches(conn: &Connection, table: SearchTable, expression: &str) -> CoreResult<Matches> {
    let mut keys: Vec<i64> = conn
        .prepare_cached(&keys_matching(table))?
        .query_map([expression], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    keys.sort_unstable();
    Ok(Matches(keys))
}

/// The keys of the records a search matched, read from the index once.
pub struct Matches(Vec<i64>);

impl Matches {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, local_key: i64) -> bool {
        self.0.binary_search(&local_key).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(text: &str) -> String {
        match parse_query(text) {
            Some(Query::Match(e)) => e,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn cjk_text_is_indexed_as_pairs_and_words_as_words() {
        assert_eq!(
            index_terms(["医疗事业部 AI-Assistant"]),
            "医疗 疗事 事业 业部 部 ai assistant"
        );
        assert_eq!(index_terms(["药", "ＡＩ１２"]), "药 ai12");
    }

    #[test]
    fn queries_become_quoted_terms_only() {
        assert_eq!(expr("医"), "\"医\"*");
        assert_eq!(expr("医疗"), "\"医疗\"");
        assert_eq!(expr("医疗事业"), "\"医疗 疗事 事业\"");
        assert_eq!(expr("MEMO 信贷"), "\"memo\"* AND \"信贷\"");
        // FTS5 syntax in the input is only ever text.
        assert_eq!(
            expr("a\" OR b* NEAR("),
            "\"a\"* AND \"or\"* AND \"b\"* AND \"near\"*"
        );
        assert_eq!(parse_query("  "), None);
        assert_eq!(parse_query("%_%"), Some(Query::Nothing));
    }

    #[test]
    fn search_finds_substrings_of_chinese_and_word_beginnings() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(terms, content='', contentless_delete=1,
                 tokenize='unicode61 remove_diacritics 2');",
        )
        .unwrap();
        let table = SearchTable("t");
        put(
            &conn,
            table,
            1,
            ["门诊病历智能质控", "Outpatient record QA"],
        )
        .unwrap();
        put(&conn, table, 2, ["医学影像报告辅助生成 radiology"]).unwrap();
        put(&conn, table, 3, ["中医 Café"]).unwrap();
        let found = |q: &str| -> Vec<i64> {
            let Some(Query::Match(e)) = parse_query(q) else {
                return vec![];
            };
            let mut stmt = conn
                .prepare(&format!("{} ORDER BY rowid", keys_matching(table)))
                .unwrap();
            stmt.query_map([e], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(found("病历"), vec![1]);
        assert_eq!(found("智能质控"), vec![1]);
        assert_eq!(found("质"), vec![1]);
        assert_eq!(
            found("医"),
            vec![2, 3],
            "a run-final character is found too"
        );
        assert_eq!(found("影像 RADIO"), vec![2]);
        assert_eq!(found("out"), vec![1]);
        assert_eq!(found("cafe"), vec![3], "accents are folded");
        assert_eq!(found("报告生成"), Vec::<i64>::new(), "not a substring");
        // Re-indexing replaces the old terms.
        put(&conn, table, 1, ["财报风险"]).unwrap();
        assert_eq!(found("病历"), Vec::<i64>::new());
        assert_eq!(matches(&conn, table, "\"风险\"").unwrap().len(), 1);
    }

    #[test]
    fn a_deferred_index_is_built_once_as_the_table_was_created_and_finds_what_was_put() {
        let conn = Connection::open_in_memory().unwrap();
        let created = "CREATE VIRTUAL TABLE t USING fts5(terms, content='', contentless_delete=1,
                 tokenize='unicode61 remove_diacritics 2')";
        conn.execute_batch(&format!("{created}; CREATE TABLE other (x);"))
            .unwrap();
        let table = SearchTable("t");
        let deferred = DeferredSearch::begin(&conn).unwrap();
        put(&conn, table, 1, ["门诊病历智能质控"]).unwrap();
        put(&conn, table, 2, ["医学影像"]).unwrap();
        put(&conn, table, 1, ["财报风险"]).unwrap();
        deferred.index(&conn).unwrap();
        let schema: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE name IN ('t', 'other', 't_deferred')",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(schema.len(), 2, "{schema:?}");
        assert!(schema.contains(&("t".into(), created.into())), "{schema:?}");
        let keys = |q: &str| matches(&conn, table, q).unwrap().0;
        assert_eq!(keys("\"风险\""), vec![1]);
        assert_eq!(
            keys("\"病历\""),
            Vec::<i64>::new(),
            "replaced, as on the real table"
        );
        assert_eq!(keys("\"影像\""), vec![2]);
        // The real table again: a record put from now on is indexed at once.
        put(&conn, table, 3, ["影像科"]).unwrap();
        assert_eq!(keys("\"影像\""), vec![2, 3]);
    }
}
