//! Drills (policy §2.3.2). So far: the built-in template library (`library`); runs, plans
//! and reports follow in the drills module proper.

pub mod library;
