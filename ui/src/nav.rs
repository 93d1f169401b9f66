//! The shell's navigation, as data: later modules (models, evaluations, incidents, drills,
//! quarterly assessment) add a line here and a route.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Requirements,
    Models,
    Incidents,
    Drills,
    Assessments,
    Users,
    Trust,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NavItem {
    pub section: Section,
    /// Element id of the link (`nav-dashboard`).
    pub id: &'static str,
    /// Translation key of the label.
    pub label: &'static str,
    /// Hash path the link opens.
    pub path: &'static str,
}

pub const NAV: &[NavItem] = &[
    NavItem {
        section: Section::Dashboard,
        id: "nav-dashboard",
        label: "nav.dashboard",
        path: "/dashboard",
    },
    NavItem {
        section: Section::Requirements,
        id: "nav-requirements",
        label: "nav.requirements",
        path: "/requirements",
    },
    NavItem {
        section: Section::Models,
        id: "nav-models",
        label: "nav.models",
        path: "/models",
    },
    NavItem {
        section: Section::Incidents,
        id: "nav-incidents",
        label: "nav.incidents",
        path: "/incidents",
    },
    NavItem {
        section: Section::Drills,
        id: "nav-drills",
        label: "nav.drills",
        path: "/drills",
    },
    NavItem {
        section: Section::Assessments,
        id: "nav-assessments",
        label: "nav.assessments",
        path: "/assessments",
    },
    NavItem {
        section: Section::Users,
        id: "nav-users",
        label: "nav.users",
        path: "/users",
    },
    NavItem {
        section: Section::Trust,
        id: "nav-trust",
        label: "nav.trust",
        path: "/trust",
    },
];

/// Which section a path belongs to (for highlighting the current link).
pub fn section_of(path: &str) -> Option<Section> {
    let path = path.trim_start_matches('#');
    NAV.iter()
        .filter(|item| path == item.path || path.starts_with(&format!("{}/", item.path)))
        .max_by_key(|item| item.path.len())
        .map(|item| item.section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_sections() {
        assert_eq!(section_of("/dashboard"), Some(Section::Dashboard));
        assert_eq!(section_of("/requirements/new"), Some(Section::Requirements));
        assert_eq!(
            section_of("#/requirements/0190-abc"),
            Some(Section::Requirements)
        );
        assert_eq!(section_of("/users"), Some(Section::Users));
        assert_eq!(section_of("/models/0190-abc"), Some(Section::Models));
        assert_eq!(section_of("/incidents/team"), Some(Section::Incidents));
        assert_eq!(
            section_of("/drills/runs/0190-abc/run"),
            Some(Section::Drills)
        );
        assert_eq!(
            section_of("/assessments/2026Q3/present"),
            Some(Section::Assessments)
        );
        assert_eq!(section_of("/requirementsx"), None);
        assert_eq!(section_of("/"), None);
    }

    #[test]
    fn nav_ids_and_labels_are_unique() {
        for (i, a) in NAV.iter().enumerate() {
            for b in &NAV[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.label, b.label);
            }
        }
    }
}
