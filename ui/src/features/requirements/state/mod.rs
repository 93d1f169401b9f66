//! The requirement pages' pure state: form reducers, validation and list filters. Nothing
//! here touches the DOM or the backend, so it builds and is unit-tested natively.

pub mod assess;
pub mod decide;
pub mod draft;
pub mod filters;
pub mod plan;
