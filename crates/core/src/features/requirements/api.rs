//! The requirement use cases every front end calls, each behind the read door.

use super::lifecycle::LIFECYCLE;
use super::queries;
use crate::access::Session;
use crate::error::{ApiResult, CoreResult};
use crate::shared::comments;
use crate::shared::history::{self, RECENT};
use govbench_protocol::{
    DashboardSection, RequirementDetail, RequirementId, RequirementPage, RequirementPermission,
    RequirementQuery, RequirementSummary, RequirementsDashboard,
};

/// How many requirements each dashboard list shows.
const DASHBOARD_LIST: u32 = 10;

impl Session {
    pub fn requirements(&self, query: &RequirementQuery) -> ApiResult<RequirementPage> {
        self.read(RequirementPermission::Read, |r| {
            queries::list(r.conn, query, r.today)
        })
    }

    /// Every requirement `query` finds (from its `offset` or `after` on), a page of
    /// `query.limit` at a time, handed to `each` as it is read; and their total. For listings
    /// and exports that want the whole list: the search is read once, and every page reads on
    /// from the last.
    pub fn each_requirement(
        &self,
        query: &RequirementQuery,
        each: impl FnMut(Vec<RequirementSummary>) -> CoreResult<()>,
    ) -> ApiResult<u64> {
        self.read(RequirementPermission::Read, |r| {
            queries::each_page(r.conn, query, r.today, each)
        })
    }

    pub fn requirement(&self, id: RequirementId) -> ApiResult<RequirementDetail> {
        self.read(RequirementPermission::Read, |r| {
            let requirement = queries::requirement(r.conn, id, r.today)?;
            Ok(RequirementDetail {
                allowed_actions: LIFECYCLE.allowed(r.user.role, requirement.status),
                history: history::recent(r.conn, id.into(), None, RECENT)?,
                comments: comments::recent(r.conn, id.into(), None, RECENT)?,
                models: Session::models_of_requirement(r.conn, id)?,
                requirement,
            })
        })
    }

    /// The requirements card, for users who may read requirements.
    pub(crate) fn requirements_dashboard(&self) -> CoreResult<Option<DashboardSection>> {
        if !self.may(RequirementPermission::Read) {
            return Ok(None);
        }
        self.read_core(RequirementPermission::Read.into(), |r| {
            let by_status = queries::counts_by_status(r.conn)?;
            Ok(Some(DashboardSection::Requirements(
                RequirementsDashboard {
                    total: by_status.iter().map(|(_, n)| n).sum(),
                    by_status,
                    overdue: queries::overdue(r.conn, r.today, DASHBOARD_LIST)?,
                    waiting_for_me: queries::waiting_for(
                        r.conn,
                        r.user.role,
                        r.user.id,
                        r.today,
                        DASHBOARD_LIST,
                    )?,
                },
            )))
        })
    }
}
