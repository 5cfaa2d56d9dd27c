//! A county report's tallies per building, of the period and of the period before (the
//! tiles'), added up as they are read or computed: the county's report is their total, each
//! building's its own, so a page showing both computes every tally once.

use std::collections::BTreeMap;

use lotse_protocol::Building;
use lotse_queue_server::stats::load::{Computed, completed};
use lotse_queue_server::stats::report::Context;
use lotse_queue_server::stats::tables::Lang;
use lotse_queue_server::stats::tally::Tally;
use lotse_queue_server::stats::{Dimension, Filter, Period};

use super::spans::Of;

/// The tallies of the period and of the period before.
#[derive(Debug, Clone)]
struct Pair {
    period: Tally,
    before: Tally,
}

impl Pair {
    fn empty(split_by: Dimension) -> Pair {
        let empty = Tally {
            split_by,
            ..Tally::default()
        };
        Pair {
            period: empty.clone(),
            before: empty,
        }
    }

    fn merge(&mut self, other: &Pair) {
        self.period.merge(&other.period);
        self.before.merge(&other.before);
    }

    /// The report, the tiles' period before and the tables, named by `context`'s building.
    fn computed(
        &self,
        context: Context<'_>,
        period: Period,
        filter: &Filter,
        lang: Lang,
    ) -> Computed {
        let report = self.period.report(period, context.zone);
        let before = self.before.kpis();
        completed(report, before, &[], context, period, filter, lang)
    }
}

#[derive(Debug)]
pub struct Sums {
    split_by: Dimension,
    buildings: BTreeMap<String, Pair>,
}

impl Sums {
    pub fn new(split_by: Dimension) -> Sums {
        Sums {
            split_by,
            buildings: BTreeMap::new(),
        }
    }

    pub fn split_by(&self) -> Dimension {
        self.split_by
    }

    pub fn add(&mut self, building: &str, of: Of, tally: &Tally) {
        if !self.buildings.contains_key(building) {
            let empty = Pair::empty(self.split_by);
            self.buildings.insert(building.to_owned(), empty);
        }
        if let Some(pair) = self.buildings.get_mut(building) {
            match of {
                Of::Period => pair.period.merge(tally),
                Of::Before => pair.before.merge(tally),
            }
        }
    }

    pub fn merge(&mut self, other: Sums) {
        for (building, theirs) in other.buildings {
            match self.buildings.get_mut(&building) {
                Some(ours) => ours.merge(&theirs),
                None => {
                    self.buildings.insert(building, theirs);
                }
            }
        }
    }

    /// The report of every building together, named by `context`'s building.
    pub fn total(
        &self,
        context: Context<'_>,
        period: Period,
        filter: &Filter,
        lang: Lang,
    ) -> Computed {
        let mut total = Pair::empty(self.split_by);
        for pair in self.buildings.values() {
            total.merge(pair);
        }
        total.computed(context, period, filter, lang)
    }

    /// The report of each of `buildings` that has a profile, in their order, named by it.
    pub fn each(
        &self,
        buildings: &[String],
        profiles: &BTreeMap<String, Building>,
        period: Period,
        filter: &Filter,
        lang: Lang,
    ) -> Vec<(String, Computed)> {
        let empty = Pair::empty(self.split_by);
        buildings
            .iter()
            .filter_map(|id| {
                let building = profiles.get(id)?;
                let context = Context {
                    building,
                    zone: building.site.time_zone,
                };
                let pair = self.buildings.get(id).unwrap_or(&empty);
                Some((id.clone(), pair.computed(context, period, filter, lang)))
            })
            .collect()
    }
}
