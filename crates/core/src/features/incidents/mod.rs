//! Incidents (policy §2.3.2, §4.2). So far: the response clocks (`clocks`), pure and tested
//! against an injected time; the incident records, flows and statistics follow in the
//! incidents module proper.

pub mod clocks;
