//! The one sentence that says what `audit verify` proved, or the first thing it found wrong,
//! in the user's language (the UI's header and the CLI print the same words).

use crate::Locale;
use govbench_protocol::AuditReport;

impl Locale {
    pub fn audit_summary(self, report: &AuditReport) -> String {
        match self.audit_problem(report) {
            Some(problem) => problem,
            None => self.audit_proof(report),
        }
    }

    fn audit_proof(self, r: &AuditReport) -> String {
        let n = |v: u64| v.to_string();
        let mut parts = Vec::new();
        if let Some(s) = &r.storage {
            parts.push(self.format("audit.proof.storage", [("pages", n(s.pages).as_str())]));
        }
        parts.push(self.format(
            "audit.proof.chain",
            [
                ("count", n(r.events_verified).as_str()),
                ("signed", n(r.signatures_verified).as_str()),
            ],
        ));
        if r.actions_checked > 0 {
            parts.push(self.format(
                "audit.proof.actions",
                [("count", n(r.actions_checked).as_str())],
            ));
        }
        if r.unsigned_events > 0 {
            parts.push(self.format(
                "audit.proof.unsigned",
                [("count", n(r.unsigned_events).as_str())],
            ));
        }
        if let Some(rec) = &r.records {
            parts.push(self.format(
                "audit.proof.records",
                [("count", n(rec.records_checked).as_str())],
            ));
        }
        if let Some(k) = &r.key_slots {
            parts.push(self.format("audit.proof.slots", [("count", n(k.slots).as_str())]));
        }
        if let Some(a) = &r.anchor {
            let seq = a.head.split(':').next().unwrap_or_default();
            parts.push(self.format(&format!("audit.proof.anchor.{}", a.source), [("seq", seq)]));
        }
        if let Some(server) = &r.server {
            parts.push(self.format(
                "audit.proof.server",
                [
                    ("matched", n(server.positions_matched).as_str()),
                    ("position", n(server.server_position).as_str()),
                    ("pending", n(server.not_yet_shared).as_str()),
                ],
            ));
        }
        self.format(
            "audit.proof",
            [(
                "facts",
                parts.join(&self.t("audit.proof.separator")).as_str(),
            )],
        )
    }

    fn audit_problem(self, r: &AuditReport) -> Option<String> {
        if let Some(s) = r.storage.as_ref().filter(|s| !s.problems.is_empty()) {
            let detail = s.problems.first().cloned().unwrap_or_default();
            return Some(self.format("audit.bad.storage", [("detail", detail.as_str())]));
        }
        if let Some(bad) = &r.first_bad {
            let key = format!("audit.problem.{}", bad.problem);
            let problem = self
                .catalogue()
                .get(&key)
                .cloned()
                .unwrap_or(bad.problem.clone());
            let seq = bad.seq.to_string();
            return Some(self.format(
                "audit.broken",
                [
                    ("seq", seq.as_str()),
                    ("copy", bad.copy_id.as_str()),
                    ("problem", problem.as_str()),
                ],
            ));
        }
        if let Some(rec) = r.records.as_ref().filter(|r| r.problem_count > 0) {
            let first = rec.problems.first()?;
            let count = rec.problem_count.to_string();
            return Some(self.format(
                "audit.bad.records",
                [
                    ("count", count.as_str()),
                    (
                        "entity",
                        self.t(&format!("entity.{}", first.entity)).as_str(),
                    ),
                    ("id", first.id.as_str()),
                    (
                        "problem",
                        self.t(&format!("audit.record.{}", first.problem)).as_str(),
                    ),
                ],
            ));
        }
        if let Some(k) = &r.key_slots {
            if let Some(name) = k.members_without_slot.first() {
                return Some(
                    self.format("audit.bad.member_without_slot", [("name", name.as_str())]),
                );
            }
            if k.slots_without_member > 0 {
                let count = k.slots_without_member.to_string();
                return Some(
                    self.format("audit.bad.slot_without_member", [("count", count.as_str())]),
                );
            }
        }
        if let Some(server) = r.server.as_ref().filter(|s| s.problem_count > 0) {
            let first = server.problems.first()?;
            return Some(self.format(
                "audit.bad.server",
                [
                    ("position", first.position.to_string().as_str()),
                    (
                        "problem",
                        self.t(&format!("audit.server.{}", first.problem)).as_str(),
                    ),
                    ("count", server.problem_count.to_string().as_str()),
                ],
            ));
        }
        if let Some(a) = r.anchor.as_ref().filter(|a| !a.found) {
            let (from, to) = (
                a.rewritten_from.map(|v| v.to_string()).unwrap_or_default(),
                a.rewritten_to.map(|v| v.to_string()).unwrap_or_default(),
            );
            let ends = a.copy_ends_at.map(|e| e.to_string()).unwrap_or_default();
            let key = match (a.source.as_str(), a.copy_ends_at) {
                ("device_altered", _) => "audit.bad.witness_altered",
                ("given_log", Some(_)) => "audit.bad.frontier_ahead",
                ("given_log", None) => "audit.bad.frontier_given",
                (_, Some(_)) => "audit.bad.anchor_older",
                ("given", None) => "audit.bad.anchor_given",
                _ => "audit.bad.anchor_device",
            };
            let seq = a.head.split(':').next().unwrap_or_default();
            return Some(self.format(
                key,
                [
                    ("from", from.as_str()),
                    ("to", to.as_str()),
                    ("seq", seq),
                    ("ends", ends.as_str()),
                ],
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use govbench_protocol::{AnchorCheck, BadEvent, RecordCheck, RecordProblem, StorageCheck};

    fn intact() -> AuditReport {
        AuditReport {
            events_verified: 12,
            signatures_verified: 12,
            storage: Some(StorageCheck {
                pages: 40,
                problems: vec![],
            }),
            records: Some(RecordCheck {
                records_checked: 9,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn the_comparison_with_the_server_is_told_in_both_languages() {
        let mut report = intact();
        report.server = Some(govbench_protocol::ServerLogCheck {
            server_position: 4321,
            copy_position: 4321,
            positions_matched: 4321,
            not_yet_shared: 2,
            ..Default::default()
        });
        for locale in Locale::ALL {
            let text = locale.audit_summary(&report);
            assert!(text.contains("4321") && !text.contains('{'), "{text}");
        }
        let server = report.server.as_mut().unwrap();
        server.problem_count = 3;
        server.problems.push(govbench_protocol::ServerLogProblem {
            position: 77,
            problem: "altered".into(),
            copy_id: None,
            seq: None,
        });
        for locale in Locale::ALL {
            let text = locale.audit_summary(&report);
            assert!(text.contains("77") && text.contains('3'), "{text}");
            assert!(!text.contains('{') && !text.contains("audit."), "{text}");
        }
    }

    #[test]
    fn an_intact_report_says_what_was_proved_in_both_languages() {
        for locale in Locale::ALL {
            let text = locale.audit_summary(&intact());
            assert!(
                text.contains("12") && text.contains("40") && text.contains('9'),
                "{text}"
            );
            assert!(!text.contains('{'), "{text}");
        }
    }

    #[test]
    fn the_first_problem_is_named() {
        let mut r = intact();
        r.records = Some(RecordCheck {
            records_checked: 9,
            problems: vec![RecordProblem {
                entity: "requirement".into(),
                id: "r-1".into(),
                problem: "no_event".into(),
            }],
            problem_count: 1,
        });
        let text = Locale::En.audit_summary(&r);
        assert!(
            text.contains("r-1") && text.contains("requirement"),
            "{text}"
        );
        r.first_bad = Some(BadEvent {
            copy_id: "c".into(),
            seq: 4,
            problem: "bad_signature".into(),
        });
        assert!(Locale::ZhCn.audit_summary(&r).contains('4'));
        r.first_bad = None;
        r.records = None;
        r.anchor = Some(AnchorCheck {
            head: "57:ab".into(),
            source: "device".into(),
            found: false,
            rewritten_from: Some(41),
            rewritten_to: Some(57),
            copy_ends_at: None,
        });
        let text = Locale::En.audit_summary(&r);
        assert!(text.contains("41") && text.contains("57"), "{text}");
        assert!(text.contains("rewritten"), "{text}");
        // An older copy put back is told as such, not as a rewrite.
        if let Some(a) = r.anchor.as_mut() {
            a.copy_ends_at = Some(40);
        }
        let text = Locale::En.audit_summary(&r);
        assert!(
            text.contains("older") && text.contains("57") && text.contains("40"),
            "{text}"
        );
        assert!(
            Locale::ZhCn.audit_summary(&r).contains("较旧")
                || Locale::ZhCn.audit_summary(&r).contains('旧')
        );
    }
}
