use crate::assessment::AssessmentsDashboard;
use crate::drill::DrillsDashboard;
use crate::incident::IncidentsDashboard;
use crate::model::ModelsDashboard;
use crate::requirement::RequirementsDashboard;
use serde::{Deserialize, Serialize};

/// The start page: one section per feature the user may read, in a fixed order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub sections: Vec<DashboardSection>,
}

/// A feature's card on the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "feature", content = "summary", rename_all = "snake_case")]
pub enum DashboardSection {
    Requirements(RequirementsDashboard),
    Models(ModelsDashboard),
    Incidents(IncidentsDashboard),
    Drills(DrillsDashboard),
    Assessments(AssessmentsDashboard),
}
