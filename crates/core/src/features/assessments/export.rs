//! Exports of a quarter: the PDF report (`govbench-report`) and the sealed audit pack
//! (`pack`). The file is written before the write transaction — it may take seconds — next
//! to its destination and renamed into place; the transaction then records it (number, file
//! name, SHA-256, the chain head it prints). If the transaction fails the file is removed,
//! so a file that exists was recorded.

use super::{pack, scorecard, store};
use crate::access::Reader;
use crate::audit;
use crate::change::Preparing;
use crate::error::{CoreError, CoreResult};
use crate::keyslots::{self, UserSecret};
use crate::members;
use crate::shared::numbers::number;
use crate::shared::quarters::Span;
use crate::shared::workspace;
use govbench_i18n::Locale;
use govbench_protocol::{
    AssessmentStatus, ExportId, ExportKind, QuarterlyAssessment, ReportExport, Scorecard, UserId,
};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// A file written for an export, removed again when dropped unless [`OutputFile::keep`] was
/// called (after the commit that records it).
pub struct OutputFile {
    path: PathBuf,
    kept: bool,
}

impl OutputFile {
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// An export written, waiting to be recorded.
pub struct Written {
    pub record: ReportExport,
    pub file: OutputFile,
}

/// What a quarter's report shows: the assessment if one is open, and its scorecard — the
/// frozen one once signed, else computed now.
pub struct Content {
    pub span: Span,
    pub assessment: Option<QuarterlyAssessment>,
    pub scorecard: Scorecard,
    pub names: Vec<(UserId, String)>,
}

pub fn content(conn: &Connection, span: Span) -> CoreResult<Content> {
    let assessment = store::of_quarter(conn, &span.key)?;
    let frozen = assessment
        .as_ref()
        .filter(|a| a.status != AssessmentStatus::Draft)
        .and_then(|a| a.frozen.clone());
    let scorecard = match frozen {
        Some(frozen) => frozen,
        None => scorecard::compute(conn, &span)?,
    };
    let mut ids = Vec::new();
    if let Some(a) = &assessment {
        ids.extend(a.signed.as_ref().map(|s| s.by));
        ids.extend(a.approved.as_ref().map(|s| s.by));
        for action in &a.meeting.adjustments {
            ids.push(action.owner);
            ids.extend(action.done.as_ref().map(|d| d.by));
        }
    }
    Ok(Content {
        names: members::display_names(conn, ids)?,
        span,
        assessment,
        scorecard,
    })
}

/// This copy's chain head as printed: `<copy>:<seq>:<hash>`.
pub fn head(conn: &Connection, copy_id: &str) -> CoreResult<String> {
    let (seq, hash) =
        audit::head_of(conn, copy_id)?.ok_or_else(|| CoreError::Malformed("audit head".into()))?;
    Ok(format!("{copy_id}:{seq}:{hash}"))
}

pub fn locale(lang: &str) -> CoreResult<Locale> {
    match lang {
        "zh-CN" => Ok(Locale::ZhCn),
        "en" => Ok(Locale::En),
        _ => Err(CoreError::invalid("lang", "unknown_language")),
    }
}

/// The fingerprint of the key the exporter signs with (the session's own, else the one the
/// workspace registered for them), printed on the report's cover: what `pack verify --signer`
/// takes.
pub fn exporter_fingerprint(
    reader: &Reader<'_>,
    signer: Option<&UserSecret>,
) -> CoreResult<Option<String>> {
    let keys = match signer {
        Some(secret) => Some(secret.public_keys()),
        None => members::find(reader.conn, reader.user.id)?.and_then(|u| u.keys),
    };
    Ok(keys
        .and_then(|k| k.verifying_key().ok())
        .map(|k| keyslots::fingerprint(&k)))
}

/// The report's PDF bytes.
pub fn render(
    reader: &Reader<'_>,
    content: &Content,
    locale: Locale,
    number: &str,
    (head, frontier): (&str, Option<&str>),
    signer_fingerprint: Option<&str>,
) -> CoreResult<Vec<u8>> {
    let workspace = workspace::meta(reader.conn, "name")?;
    govbench_report::render(&govbench_report::ReportInput {
        locale,
        workspace: &workspace,
        scorecard: &content.scorecard,
        assessment: content.assessment.as_ref(),
        names: &content.names,
        document_number: number,
        head,
        frontier,
        signer_fingerprint,
        exported_at: reader.now,
        exported_by: &reader.user.display_name,
        utc_offset: reader.zone,
    })
    .map_err(CoreError::from)
}

pub(crate) fn write(
    reader: &Reader<'_>,
    preparing: &Preparing<'_>,
    quarter: &str,
    kind: ExportKind,
    lang: &str,
    path: &str,
) -> CoreResult<Written> {
    let locale = locale(lang)?;
    let target = destination(path)?;
    let span = Span::parse(quarter, reader.zone, reader.now)?;
    let id = ExportId(Uuid::now_v7());
    let number = number("GBR", id.0);
    let head = head(reader.conn, reader.copy_id)?;
    let frontier = audit::frontier_text(reader.conn)?;
    (preparing.progress)(0, 4);
    let content = content(reader.conn, span)?;
    (preparing.progress)(1, 4);
    let fingerprint = exporter_fingerprint(reader, preparing.signer)?;
    let pdf = render(
        reader,
        &content,
        locale,
        &number,
        (&head, frontier.as_deref()),
        fingerprint.as_deref(),
    )?;
    (preparing.progress)(2, 4);
    let bytes = match kind {
        ExportKind::Report => pdf,
        ExportKind::Pack => {
            let signer = preparing
                .signer
                .ok_or(CoreError::Crypto("no signing key"))?;
            pack::build(&pack::Input {
                reader,
                content: &content,
                pdf: &pdf,
                lang,
                number: &number,
                head: &head,
                frontier: frontier.as_deref(),
                signer,
            })?
        }
    };
    (preparing.progress)(3, 4);
    let file = put(&target, &bytes)?;
    (preparing.progress)(4, 4);
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Written {
        record: ReportExport {
            id,
            number,
            quarter: content.span.key.clone(),
            kind,
            lang: lang.to_owned(),
            file_name,
            sha256: hex::encode(Sha256::digest(&bytes)),
            bytes: bytes.len() as u64,
            head,
            frontier,
            exported_by: reader.user.id,
            exported_at: reader.now,
            version: 1,
        },
        file,
    })
}

/// Where an export goes: a file in an existing folder (not a folder itself).
fn destination(path: &str) -> CoreResult<PathBuf> {
    let invalid = |rule: &str| CoreError::invalid("path", rule);
    if path.trim().is_empty() || path.chars().any(char::is_control) {
        return Err(invalid("required"));
    }
    let target = PathBuf::from(path);
    if target.is_dir() {
        return Err(invalid("is_a_folder"));
    }
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(invalid("no_such_folder"));
    }
    if target.file_name().is_none() {
        return Err(invalid("required"));
    }
    Ok(target)
}

/// Puts `bytes` at `target` atomically and durably (the old file or the whole new one).
fn put(target: &Path, bytes: &[u8]) -> CoreResult<OutputFile> {
    crate::durable::write_atomically(target, bytes)?;
    Ok(OutputFile {
        path: target.to_path_buf(),
        kept: false,
    })
}
