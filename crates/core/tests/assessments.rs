//! The quarterly assessment, its PDF report and the sealed audit pack, end to end on real
//! SQLCipher workspaces: a scorecard from every module, sign-off that freezes it, approval by
//! someone else, exports recorded in the log, packs verified offline (and every tampered file
//! named), and a printed chain head that catches a chain rewritten afterwards.

mod common;

use common::{file, rewrite_chain, Fixture};
use govbench_core::Session;
use govbench_protocol::{
    AssessmentCommand as C, AssessmentId, AssessmentStatus, DashboardSection, ErrorCode,
    ExportKind, Figure, MetricStatus, PolicyArea, Role,
};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const QUARTER: &str = "2026Q1";

fn open_assessment(pm: &mut Session) -> AssessmentId {
    let id = AssessmentId(
        pm.execute(C::Open {
            quarter: QUARTER.into(),
        })
        .unwrap()
        .entity
        .id,
    );
    let owner = pm.user().id;
    pm.execute(C::SaveMeeting {
        id,
        meeting: govbench_core::features::assessments::samples::meeting(owner, common::today()),
    })
    .unwrap();
    id
}

fn metric<'a>(card: &'a govbench_protocol::Scorecard, key: &str) -> &'a govbench_protocol::Metric {
    card.sections
        .iter()
        .flat_map(|s| &s.metrics)
        .find(|m| m.key == key)
        .unwrap_or_else(|| panic!("no metric {key}"))
}

fn export(
    s: &mut Session,
    kind: ExportKind,
    lang: &str,
    out: &Path,
) -> govbench_protocol::ReportExport {
    let outcome = s
        .execute(C::Export {
            quarter: QUARTER.into(),
            kind,
            lang: lang.into(),
            path: out.display().to_string(),
        })
        .unwrap();
    s.export_record(outcome.entity.id).unwrap()
}

fn pdftotext(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_quarter_is_assessed_signed_frozen_and_approved_by_someone_else() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    file(&mut biz, "季度需求 quarterly requirement");
    let mut pm = fx.login(Role::ProjectManager);

    let live = pm.assessment(QUARTER).unwrap();
    assert_eq!(live.assessment, None);
    let areas: Vec<PolicyArea> = live.scorecard.sections.iter().map(|s| s.area).collect();
    assert_eq!(
        areas,
        PolicyArea::ALL.to_vec(),
        "one section per policy area, in order"
    );
    assert_eq!(
        metric(&live.scorecard, "metric.requirements.filed").value,
        Figure::Count(1)
    );
    let chain = metric(&live.scorecard, "metric.security.chain_broken");
    assert_eq!(
        (chain.value.clone(), chain.status),
        (Figure::Count(0), MetricStatus::Met)
    );

    // A quarter that has not begun cannot be assessed; one per quarter.
    let refused = pm
        .execute(C::Open {
            quarter: "2026Q3".into(),
        })
        .unwrap_err();
    assert_eq!(
        refused.details.get("quarter").map(String::as_str),
        Some("rule.quarter_not_started")
    );
    let id = open_assessment(&mut pm);
    let twice = pm
        .execute(C::Open {
            quarter: QUARTER.into(),
        })
        .unwrap_err();
    assert_eq!(twice.code, ErrorCode::Validation);
    // The adjustment waits on its owner's list like any corrective action.
    let detail = pm.assessment(QUARTER).unwrap();
    let adjustments = &detail.assessment.as_ref().unwrap().meeting.adjustments;
    assert_eq!(adjustments.len(), 1);
    let dashboard = pm.dashboard().unwrap();
    let card = dashboard
        .sections
        .iter()
        .find_map(|s| match s {
            DashboardSection::Assessments(a) => Some(a),
            _ => None,
        })
        .expect("an assessments card");
    assert_eq!(card.current_quarter, QUARTER);
    assert_eq!(
        card.my_actions.len(),
        1,
        "the adjustment waits on its owner's dashboard"
    );
    assert_eq!(card.my_actions[0].number, QUARTER);
    assert_eq!(
        card.previous_unapproved, None,
        "a workspace begun this quarter has no earlier quarter to assess"
    );
    fx.clock.set(common::start() + chrono::Duration::days(45));
    let later = pm.dashboard().unwrap();
    let reminded = later.sections.iter().find_map(|s| match s {
        DashboardSection::Assessments(a) => a.previous_unapproved.clone(),
        _ => None,
    });
    assert_eq!(
        reminded.as_deref(),
        Some(QUARTER),
        "next quarter, the meeting is due"
    );
    fx.clock.set(common::start());

    // Others may not sign; the PM signs and the figures freeze.
    let mut admin = fx.login(Role::Admin);
    assert_eq!(
        admin.execute(C::Sign { id }).unwrap_err().code,
        ErrorCode::Forbidden
    );
    pm.execute(C::Sign { id }).unwrap();
    file(&mut biz, "签署后的需求 filed after the signature");
    let signed = pm.assessment(QUARTER).unwrap();
    assert_eq!(
        signed.assessment.as_ref().unwrap().status,
        AssessmentStatus::Signed
    );
    assert_eq!(
        metric(&signed.scorecard, "metric.requirements.filed").value,
        Figure::Count(1),
        "a signed assessment keeps the figures it was signed with"
    );
    assert!(
        pm.execute(C::SaveMeeting {
            id,
            meeting: govbench_core::features::assessments::samples::meeting(
                pm.user().id,
                common::today()
            ),
        })
        .is_err(),
        "the record is frozen once signed"
    );

    // The approver sends it back, then approves the re-signed one.
    admin
        .execute(C::Return {
            id,
            reason: "补充攻防演练结论 add the drill's findings".into(),
        })
        .unwrap();
    let returned = pm.assessment(QUARTER).unwrap();
    assert_eq!(
        returned.assessment.as_ref().unwrap().status,
        AssessmentStatus::Draft
    );
    assert_eq!(
        metric(&returned.scorecard, "metric.requirements.filed").value,
        Figure::Count(2)
    );
    pm.execute(C::Sign { id }).unwrap();
    admin.execute(C::Approve { id }).unwrap();
    let approved = fx.login(Role::Auditor).assessment(QUARTER).unwrap();
    let a = approved.assessment.unwrap();
    assert_eq!(a.status, AssessmentStatus::Approved);
    assert_eq!(a.approved.unwrap().by, admin.user().id);
    assert!(approved.allowed_actions.is_empty(), "an auditor only reads");
}

#[test]
fn an_admin_who_signed_cannot_also_approve() {
    // An Admin cannot sign (only the PM), so the separation is checked on the record: the
    // approval of one's own signature is refused even if the roles were changed.
    let fx = Fixture::new();
    let mut pm = fx.login(Role::ProjectManager);
    let id = open_assessment(&mut pm);
    pm.execute(C::Sign { id }).unwrap();
    assert_eq!(
        pm.execute(C::Approve { id }).unwrap_err().code,
        ErrorCode::Forbidden
    );
}

#[test]
fn the_report_prints_its_head_and_a_rewritten_chain_is_caught_against_it() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    file(&mut biz, "需求甲 requirement A");
    let copy = biz.copy_id().to_owned();
    let mut pm = fx.login(Role::ProjectManager);
    open_assessment(&mut pm);
    let dir = tempfile::tempdir().unwrap();
    let zh = dir.path().join("季度报告.pdf");
    let en = dir.path().join("report-en.pdf");
    let zh_record = export(&mut pm, ExportKind::Report, "zh-CN", &zh);
    let en_record = export(&mut pm, ExportKind::Report, "en", &en);

    // The files are what the log says was exported.
    for (path, record) in [(&zh, &zh_record), (&en, &en_record)] {
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        assert_eq!(record.sha256, hex_sha256(&bytes));
        assert_eq!(record.bytes, bytes.len() as u64);
        assert!(record.number.starts_with("GBR-2026-"), "{}", record.number);
    }
    assert_ne!(zh_record.number, en_record.number);
    let history = pm.assessments().unwrap().exports;
    assert_eq!(history.len(), 2);
    if let (Some(zh_text), Some(en_text)) = (pdftotext(&zh), pdftotext(&en)) {
        for needle in [
            zh_record.number.as_str(),
            "需求管理",
            "安全与审计",
            "制度执行",
        ] {
            assert!(
                zh_text.contains(needle),
                "{needle} missing from the zh report"
            );
        }
        for needle in [
            en_record.number.as_str(),
            "Requirements",
            "Security and audit",
        ] {
            assert!(
                en_text.contains(needle),
                "{needle} missing from the en report"
            );
        }
        let (_, seq_hash) = zh_record.head.split_once(':').unwrap();
        let hash = seq_hash.split_once(':').unwrap().1;
        assert!(
            zh_text.replace(['\n', ' '], "").contains(&hash[..32]),
            "the head is printed"
        );
    } else {
        eprintln!("pdftotext not installed: the text of the PDFs was not checked");
    }

    // Today's chain contains the printed head...
    let auditor = fx.login(Role::Auditor);
    let check = auditor
        .verify_audit_against(&zh_record.head)
        .unwrap()
        .anchor
        .unwrap();
    assert!(check.found, "{check:?}");
    drop(auditor);
    // ...until an insider holding the data key rewrites an earlier event and recomputes
    // every hash after it: the head printed on the report is no longer in the chain.
    let insider = pm.secret().unwrap().clone();
    drop(pm);
    drop(biz);
    let conn = fx.raw();
    rewrite_chain(&conn, &copy, &insider, |e| {
        if e.action == "requirement.file" {
            e.after = e.after.as_ref().map(|a| a.replace("需求甲", "需求乙"));
        }
    });
    drop(conn);
    let report = fx
        .login(Role::Auditor)
        .verify_audit_against(&zh_record.head)
        .unwrap();
    let anchor = report.anchor.unwrap();
    assert!(!anchor.found, "{anchor:?}");
    // A malformed head is refused, not misread.
    let bad = fx
        .login(Role::Auditor)
        .verify_audit_against("12:nothex")
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::Validation);
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Rewrites a pack with `edit` applied to the entry named `victim` (bytes in, bytes out;
/// `None` drops it), optionally adding an entry.
fn repack(
    from: &Path,
    to: &Path,
    victim: &str,
    edit: impl Fn(Vec<u8>) -> Option<Vec<u8>>,
    extra: Option<(&str, &[u8])>,
) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let bytes = if name == victim {
            edit(bytes)
        } else {
            Some(bytes)
        };
        if let Some(bytes) = bytes {
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(&bytes).unwrap();
        }
    }
    if let Some((name, bytes)) = extra {
        out.start_file(name, options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn a_pack_verifies_offline_and_names_every_file_tampered_with() {
    let fx = Fixture::new();
    let mut biz = fx.login(Role::Business);
    file(&mut biz, "需求 requirement");
    let mut pm = fx.login(Role::ProjectManager);
    open_assessment(&mut pm);
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack.zip");
    // An auditor takes the pack away; the export is recorded in the log under their name.
    let mut auditor = fx.login(Role::Auditor);
    let record = export(&mut auditor, ExportKind::Pack, "zh-CN", &pack);
    assert_eq!(record.exported_by, auditor.user().id);
    let report = govbench_core::verify_pack(&pack, None).unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(report.number, record.number);
    assert!(report.files_checked >= 6, "{report:?}");

    let names: Vec<String> = {
        let archive = zip::ZipArchive::new(std::fs::File::open(&pack).unwrap()).unwrap();
        archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect()
    };
    for wanted in [
        "manifest.json",
        "manifest.sig",
        "audit/events.jsonl",
        "records/requirement.json",
        "records/requirement.csv",
        "assessment.json",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} not in {names:?}"
        );
    }
    assert!(names
        .iter()
        .any(|n| n.starts_with("report-2026Q1-zh-CN") && n.ends_with(".pdf")));

    // Change one byte of each file in turn: verification names exactly that file.
    for victim in names.iter().filter(|n| !n.starts_with("manifest")) {
        let tampered = dir.path().join("tampered.zip");
        repack(
            &pack,
            &tampered,
            victim,
            |mut b| {
                if let Some(x) = b.last_mut() {
                    *x ^= 1
                } else {
                    b.push(b'x')
                }
                Some(b)
            },
            None,
        );
        let report = govbench_core::verify_pack(&tampered, None).unwrap();
        assert!(!report.intact());
        assert_eq!(report.altered, vec![victim.clone()], "{victim}: {report:?}");
    }
    // A file removed, a file slipped in, the manifest edited, an event forged.
    let tampered = dir.path().join("tampered.zip");
    repack(
        &pack,
        &tampered,
        "records/requirement.csv",
        |_| None,
        Some(("notes.txt", b"hi")),
    );
    let report = govbench_core::verify_pack(&tampered, None).unwrap();
    assert_eq!(report.missing, vec!["records/requirement.csv".to_owned()]);
    assert_eq!(report.unlisted, vec!["notes.txt".to_owned()]);
    repack(
        &pack,
        &tampered,
        "manifest.json",
        |b| {
            Some(
                String::from_utf8(b)
                    .unwrap()
                    .replace("2026Q1", "2026Q2")
                    .into_bytes(),
            )
        },
        None,
    );
    assert!(
        !govbench_core::verify_pack(&tampered, None)
            .unwrap()
            .signature_valid
    );
    // Not a pack at all.
    std::fs::write(&tampered, b"PK not really").unwrap();
    assert_eq!(
        govbench_core::verify_pack(&tampered, None)
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
}

#[test]
fn a_failed_export_leaves_no_file_and_no_record() {
    let fx = Fixture::new();
    let mut pm = fx.login(Role::ProjectManager);
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(PathBuf, &str, &str)> = vec![
        (dir.path().join("nowhere/x.pdf"), "zh-CN", "path"),
        (dir.path().to_path_buf(), "zh-CN", "path"),
        (dir.path().join("x.pdf"), "fr", "lang"),
    ];
    for (path, lang, field) in cases {
        let e = pm
            .execute(C::Export {
                quarter: QUARTER.into(),
                kind: ExportKind::Report,
                lang: lang.into(),
                path: path.display().to_string(),
            })
            .unwrap_err();
        assert!(e.details.contains_key(field), "{e:?}");
    }
    let e = pm
        .execute(C::Export {
            quarter: "2026Q9".into(),
            kind: ExportKind::Report,
            lang: "en".into(),
            path: dir.path().join("y.pdf").display().to_string(),
        })
        .unwrap_err();
    assert_eq!(
        e.details.get("quarter").map(String::as_str),
        Some("rule.not_a_quarter")
    );
    // Business may not export.
    let e = fx
        .login(Role::Business)
        .execute(C::Export {
            quarter: QUARTER.into(),
            kind: ExportKind::Report,
            lang: "en".into(),
            path: dir.path().join("z.pdf").display().to_string(),
        })
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written"
    );
    assert!(pm.assessments().unwrap().exports.is_empty());
}

#[test]
fn the_demo_quarter_is_assessed_from_every_module_and_its_pack_verifies() {
    let demo = common::Demo::new();
    let login = |name: &str| demo.login(name);
    let mut pm = login("zhou.min");
    let quarter = govbench_core::features::assessments::samples::current_quarter(&pm);
    let card = pm.assessment(&quarter).unwrap().scorecard;
    let count = |key: &str| match metric(&card, key).value {
        Figure::Count(n) => n,
        ref other => panic!("{key}: {other:?}"),
    };
    assert!(count("metric.incidents.total") >= 3, "{card:#?}");
    assert!(count("metric.requirements.assessed") > 0);
    assert!(
        matches!(
            metric(&card, "metric.requirements.assessment_days").value,
            Figure::Days(d) if d >= 0.0
        ),
        "requirements filed and submitted at once are measured from filing"
    );
    assert!(count("metric.security.events") > 50);
    let evaluations = card
        .sections
        .iter()
        .find(|s| s.area == PolicyArea::Evaluations)
        .unwrap();
    assert!(
        !evaluations.charts.is_empty(),
        "the live models' KPI trends are charted"
    );
    assert!(evaluations.charts.iter().all(|c| c.threshold.is_some()));
    let out = demo.dir.path().join("demo-pack.zip");
    let outcome = pm
        .execute(C::Export {
            quarter: quarter.clone(),
            kind: ExportKind::Pack,
            lang: "en".into(),
            path: out.display().to_string(),
        })
        .unwrap();
    let report = govbench_core::verify_pack(&out, None).unwrap();
    assert!(report.intact(), "{report:?}");
    assert_eq!(
        report.verdict(),
        govbench_protocol::PackVerdict::IntegrityOnly
    );
    // Against the demo's log and the exporter's fingerprint, who made it is proven.
    let logged = login("qian.hui")
        .verify_pack_against_log(&out, None)
        .unwrap();
    assert_eq!(
        logged.verdict(),
        govbench_protocol::PackVerdict::Proven,
        "{logged:?}"
    );
    let signed = govbench_core::verify_pack(&out, Some(&report.seal_fingerprint)).unwrap();
    assert_eq!(signed.verdict(), govbench_protocol::PackVerdict::Proven);
    assert!(outcome.audit_seq > 0);
    // The demo's whole chain still verifies with the exports recorded in it.
    assert!(login("qian.hui").verify_audit().unwrap().is_intact());
}
