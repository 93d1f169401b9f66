//! Decoding stored columns into domain values; a malformed value is a typed error, never a
//! panic.

use crate::error::CoreResult;
use rusqlite::types::Type;
use rusqlite::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::str::FromStr;

/// A column holding text that parses into `T` (ids, dates).
pub fn parsed<T: FromStr>(row: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let text: String = row.get(i)?;
    text.parse()
        .map_err(|_| rusqlite::Error::InvalidColumnType(i, text, Type::Text))
}

/// A column holding a stable key (`draft`, `business`).
pub fn keyed<T>(row: &Row<'_>, i: usize, from_key: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let key: String = row.get(i)?;
    from_key(&key).ok_or(rusqlite::Error::InvalidColumnType(i, key, Type::Text))
}

/// A nullable column holding JSON.
pub fn json<T: DeserializeOwned>(row: &Row<'_>, i: usize) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = row.get(i)?;
    text.map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

/// An optional value as nullable JSON.
pub fn to_json<T: Serialize>(value: &Option<T>) -> CoreResult<Option<String>> {
    Ok(match value {
        Some(v) => Some(serde_json::to_string(v)?),
        None => None,
    })
}
