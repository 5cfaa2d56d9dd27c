//! Visitor feedback in the statistics: how many visits gave a score, the mean and the
//! distribution of the scores 1-5, for all, per agency and per service. Pure.
//!
//! "Per service" of a visit with several concerns: the visit's one score counts once at
//! every service it had a leg at (among the legs the filter keeps), and once at every agency
//! of those services. So the rows of several services or agencies may add up to more than
//! all visits; the visit is rated, not a single desk.

use std::collections::{BTreeMap, BTreeSet};

/// One visit's score (the ticket's row id; no token, no comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitScore {
    pub visit: i64,
    pub score: u8,
}

/// The scores of a group of visits.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize
)]
pub struct Scores {
    /// Visits with score 1 at index 0, …, score 5 at index 4.
    pub distribution: [usize; 5],
}

impl Scores {
    fn add(&mut self, score: u8, visits: usize) {
        if let Some(slot) = usize::from(score)
            .checked_sub(1)
            .and_then(|i| self.distribution.get_mut(i))
        {
            *slot += visits;
        }
    }

    fn merge(&mut self, other: &Scores) {
        for (sum, n) in self.distribution.iter_mut().zip(other.distribution) {
            *sum += n;
        }
    }

    pub fn count(&self) -> usize {
        self.distribution.iter().sum()
    }

    /// The mean score, none without scores.
    pub fn mean(&self) -> Option<f64> {
        let count = self.count();
        let sum: usize = (1..).zip(self.distribution).map(|(s, n)| s * n).sum();
        (count > 0).then(|| sum as f64 / count as f64)
    }
}

/// The scores of a period's kept visits.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Feedback {
    pub all: Scores,
    pub agencies: BTreeMap<String, Scores>,
    pub services: BTreeMap<String, Scores>,
}

impl Feedback {
    /// Adds the scores of `other` (other days or buildings).
    pub fn merge(&mut self, other: &Feedback) {
        self.all.merge(&other.all);
        for (ours, theirs) in [
            (&mut self.agencies, &other.agencies),
            (&mut self.services, &other.services),
        ] {
            for (key, scores) in theirs {
                ours.entry(key.clone()).or_default().merge(scores);
            }
        }
    }
}

/// A score, how many kept visits gave it, and their (agency, service) pairs the filter keeps.
pub type Scored<'a> = (u8, usize, BTreeSet<(&'a str, &'a str)>);

/// The scores of the kept visits.
pub fn feedback<'a>(visits: impl IntoIterator<Item = Scored<'a>>) -> Feedback {
    let mut result = Feedback::default();
    for (score, n, legs) in visits {
        result.all.add(score, n);
        let agencies: BTreeSet<&str> = legs.iter().map(|(agency, _)| *agency).collect();
        for agency in agencies {
            result
                .agencies
                .entry(agency.to_owned())
                .or_default()
                .add(score, n);
        }
        for (_, service) in legs {
            result
                .services
                .entry(service.to_owned())
                .or_default()
                .add(score, n);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visit_counts_once_at_each_of_its_services_and_agencies() {
        // Visit 1: two services of agency a (score 5); visit 2: a and b (score 2);
        // visit 3: b only (score 4).
        let visits: [Scored<'_>; 3] = [
            (5, 1, [("a", "a1"), ("a", "a2")].into()),
            (2, 1, [("a", "a1"), ("b", "b1")].into()),
            (4, 1, [("b", "b1")].into()),
        ];
        let f = feedback(visits);
        assert_eq!(f.all.distribution, [0, 1, 0, 1, 1]);
        assert_eq!(f.all.mean(), Some(11.0 / 3.0));
        assert_eq!(f.agencies["a"].distribution, [0, 1, 0, 0, 1]);
        assert_eq!(f.agencies["a"].mean(), Some(3.5));
        assert_eq!(f.agencies["b"].distribution, [0, 1, 0, 1, 0]);
        assert_eq!(f.agencies["b"].mean(), Some(3.0));
        assert_eq!(f.services["a1"].count(), 2);
        assert_eq!(f.services["a2"].mean(), Some(5.0));
        assert_eq!(f.services["b1"].mean(), Some(3.0));
        assert_eq!(Scores::default().mean(), None);
    }
}
