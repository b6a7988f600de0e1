//! The planner against an in-memory API that serves the double's generated day with the real
//! window rules, checked against what each offer's narrowest possible query can reach.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{NaiveTime, TimeDelta};
use testkit::france_travail::{Burst, CONTRACTS, DayPlan, Offer, REGIONS, departements, region_of};

use releve::config::OfferFilter;

use super::*;

fn day_query(plan: &DayPlan) -> SearchQuery {
    let from = plan.date.and_time(NaiveTime::MIN).and_utc();
    SearchQuery {
        from,
        to: from + TimeDelta::seconds(86_399),
        filters: Vec::new(),
        scope: Arc::default(),
    }
}

/// The attribute `filter` reads of `offer`, as the double has it.
fn attribute(offer: &Offer, filter: OfferFilter) -> Option<&str> {
    match filter {
        OfferFilter::TypeContrat => Some(offer.contract),
        OfferFilter::Departement => offer.departement.as_deref(),
        OfferFilter::Region => offer.departement.as_deref().and_then(region_of),
        other => panic!("the in-memory API does not filter by {other:?}"),
    }
}

/// Whether `offer` matches `query` as sent; `exclusive_max` plays an API whose upper date
/// bound is exclusive.
fn matches(query: &SearchQuery, offer: &Offer, exclusive_max: bool) -> bool {
    offer.created >= query.from
        && (offer.created < query.to || (!exclusive_max && offer.created == query.to))
        && query.params(0).iter().skip(3).all(|(param, values)| {
            let filter = OfferFilter::ALL
                .into_iter()
                .find(|f| f.param() == *param)
                .expect("a filter the API takes");
            attribute(offer, filter).is_some_and(|value| values.split(',').any(|v| v == value))
        })
}

/// A day of `spread` offers over its seconds, no burst: 2026-11-21.
fn spread_day(spread: usize, seed: u64) -> DayPlan {
    DayPlan {
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
        spread,
        bursts: Vec::new(),
        seed,
    }
}

/// Runs the plan to the end, one call at a time; returns the harvest and the calls made.
fn run(plan: &DayPlan) -> (Harvest, u64, Vec<Offer>) {
    run_against(plan, false)
}

fn run_against(plan: &DayPlan, exclusive_max: bool) -> (Harvest, u64, Vec<Offer>) {
    run_served(plan, exclusive_max, |_, _| {})
}

/// Runs the plan with `serve` altering each page (its start, the page) before the planner
/// takes it.
fn run_served(
    plan: &DayPlan,
    exclusive_max: bool,
    serve: impl Fn(u64, &mut SearchPage),
) -> (Harvest, u64, Vec<Offer>) {
    run_served_with(plan, exclusive_max, |start, _, page| serve(start, page))
}

/// Runs the plan with `serve` altering each page (its start, the query's matching offers,
/// the page) before the planner takes it.
fn run_served_with(
    plan: &DayPlan,
    exclusive_max: bool,
    serve: impl FnMut(u64, &[&Offer], &mut SearchPage),
) -> (Harvest, u64, Vec<Offer>) {
    let (harvest, calls, _, offers) = run_asking(plan, day_query(plan), exclusive_max, serve);
    (harvest, calls, offers)
}

/// Runs the plan from the query `day`; returns the harvest, the calls made, the search
/// queries sent (once a page) and the day's offers.
fn run_asking(
    plan: &DayPlan,
    day: SearchQuery,
    exclusive_max: bool,
    mut serve: impl FnMut(u64, &[&Offer], &mut SearchPage),
) -> (Harvest, u64, Vec<SearchQuery>, Vec<Offer>) {
    let offers = plan.offers();
    let mut planner = Planner::new(day, Vec::new());
    let mut calls = 0;
    let mut queries = Vec::new();
    while let Some(call) = planner.next_call() {
        calls += 1;
        match call {
            Call::Search { node, query, start } => {
                queries.push(query.clone());
                assert!(start <= 3000, "start {start} is past the API's cap");
                let matching: Vec<&Offer> = offers
                    .iter()
                    .filter(|o| matches(&query, o, exclusive_max))
                    .collect();
                let end = (start as usize + 150).min(matching.len());
                let mut page = SearchPage {
                    total: matching.len() as u64,
                    offers: matching
                        .get(start as usize..end)
                        .unwrap_or_default()
                        .iter()
                        .map(|o| o.json.clone())
                        .collect(),
                };
                serve(start, &matching, &mut page);
                planner.absorb_page(node, start, page);
            }
            Call::Reference(dimension) => {
                let reference = |code: &str, region: Option<&str>| Reference {
                    code: code.to_owned(),
                    region: region.map(str::to_owned),
                };
                let values = match dimension {
                    Dimension::ContractType => {
                        CONTRACTS.iter().map(|c| reference(c.0, None)).collect()
                    }
                    Dimension::Region => REGIONS.iter().map(|r| reference(r.0, None)).collect(),
                    Dimension::Departement => departements()
                        .iter()
                        .map(|d| reference(d, region_of(d)))
                        .collect(),
                };
                planner.absorb_reference(dimension, values);
            }
        }
    }
    (planner.finish(), calls, queries, offers)
}

/// The offers no query can reach: those past position 3149 of their narrowest query (same
/// creation second, same contract type, same département when they have one).
fn unreachable(offers: &[Offer]) -> HashSet<String> {
    let mut out = HashSet::new();
    for (i, offer) in offers.iter().enumerate() {
        let ahead = offers[..i]
            .iter()
            .filter(|o| {
                o.created == offer.created
                    && o.contract == offer.contract
                    && (offer.departement.is_none() || o.departement == offer.departement)
            })
            .count();
        if ahead >= 3150 {
            out.insert(offer.id.clone());
        }
    }
    out
}

fn ids(harvest: &Harvest) -> HashSet<String> {
    harvest
        .offers
        .records()
        .iter()
        .filter_map(|o| o["id"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn an_ordinary_day_lands_whole_in_near_the_fewest_calls() {
    let plan = spread_day(12_000, 7);
    let (harvest, calls, offers) = run(&plan);
    assert_eq!(harvest.offers.len(), offers.len());
    assert_eq!(harvest.announced, 12_000);
    assert_eq!(harvest.shortfall, 0);
    let minimum = 12_000u64.div_ceil(150);
    assert!(
        calls <= minimum + minimum / 5,
        "{calls} calls for a minimum of {minimum}"
    );
}

#[test]
fn bursts_in_one_second_are_split_and_the_unreachable_counted_exactly() {
    let plan = DayPlan {
        bursts: vec![
            Burst {
                at: NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
                offers: 3_600,
                contract: "CDI",
                departement: None,
                without_place: 0.12,
            },
            Burst {
                at: NaiveTime::from_hms_opt(14, 0, 0).expect("time"),
                offers: 4_000,
                contract: "CDI",
                departement: Some("75"),
                without_place: 0.0,
            },
        ],
        ..spread_day(3_000, 11)
    };
    let (harvest, _, offers) = run(&plan);
    let lost = unreachable(&offers);
    assert!(!lost.is_empty(), "the plan holds unreachable offers");
    let landed = ids(&harvest);
    assert_eq!(landed.len(), harvest.offers.len(), "every offer lands once");
    let expected: HashSet<String> = offers
        .iter()
        .map(|o| o.id.clone())
        .filter(|id| !lost.contains(id))
        .collect();
    assert_eq!(landed, expected, "every reachable offer lands");
    assert_eq!(harvest.shortfall, lost.len() as u64);
    assert_eq!(harvest.announced, offers.len() as u64);
}

/// Pages served twice, then asked again, count their offers once: as landed, and as reached
/// through a split query's own window.
#[test]
fn pages_asked_again_leave_the_counts_of_a_split_day_as_they_were() {
    let plan = DayPlan {
        bursts: vec![Burst {
            at: NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
            offers: 3_600,
            contract: "CDI",
            departement: None,
            without_place: 0.9,
        }],
        ..spread_day(3_000, 11)
    };
    let (plain, _, _) = run(&plan);
    // Each query's page at 150 holds its first page's offers the first time it is asked.
    let mut repeated = HashSet::new();
    let (harvest, _, _) = run_served_with(&plan, false, |start, matching, page| {
        let query = matching.first().map(|o| o.id.clone());
        if start == 150 && repeated.insert(query) {
            page.offers = matching.iter().take(150).map(|o| o.json.clone()).collect();
        }
    });
    assert!(
        harvest.pages_asked_again > 1,
        "{}",
        harvest.pages_asked_again
    );
    assert_eq!(ids(&harvest), ids(&plain), "the same offers land");
    assert_eq!(
        (harvest.shortfall, harvest.missing_from_pages),
        (plain.shortfall, plain.missing_from_pages)
    );
}

#[test]
fn offers_lost_between_time_windows_show_as_shortfall() {
    let plan = spread_day(40_000, 3);
    let (harvest, _, _) = run_against(&plan, true);
    assert!(
        harvest.shortfall > 0,
        "an exclusive upper bound loses offers"
    );
    assert_eq!(
        harvest.offers.len() as u64 + harvest.shortfall,
        harvest.announced,
        "every announced offer is either landed or counted"
    );
}

#[test]
fn offers_missing_from_short_pages_show_as_shortfall() {
    let plan = spread_day(40_000, 5);
    // Every window's second page holds 50 offers instead of 150; the third page of each
    // window answers 204.
    let (harvest, _, _) = run_served(&plan, false, |start, page| match start {
        150 => page.offers.truncate(50),
        300 => {
            *page = SearchPage {
                total: 0,
                offers: Vec::new(),
            }
        }
        _ => {}
    });
    assert!(harvest.missing_from_pages > 0, "short pages lose offers");
    assert_eq!(harvest.shortfall, harvest.missing_from_pages);
    assert_eq!(
        harvest.offers.len() as u64 + harvest.shortfall,
        harvest.announced,
        "every announced offer is either landed or counted"
    );
}

#[test]
fn a_page_repeating_an_earlier_one_is_asked_again_once() {
    let plan = spread_day(400, 7);
    let first_page = |matching: &[&Offer]| -> Vec<serde_json::Value> {
        matching.iter().take(150).map(|o| o.json.clone()).collect()
    };
    // The first time, the page at 150 holds the first page's offers again.
    let mut repeated = false;
    let (harvest, calls, _) = run_served_with(&plan, false, |start, matching, page| {
        if start == 150 && !repeated {
            repeated = true;
            page.offers = first_page(matching);
        }
    });
    assert_eq!(harvest.pages_asked_again, 1);
    assert_eq!(
        (harvest.offers.len(), harvest.shortfall),
        (400, 0),
        "the page asked again brings its offers"
    );
    assert_eq!(calls, 4, "three pages and the one asked again");

    // An API that keeps repeating it: asked once more, then counted as shortfall.
    let (harvest, calls, _) = run_served_with(&plan, false, |start, matching, page| {
        if start == 150 {
            page.offers = first_page(matching);
        }
    });
    assert_eq!(harvest.pages_asked_again, 1);
    assert_eq!(
        (
            harvest.offers.len(),
            harvest.shortfall,
            harvest.missing_from_pages
        ),
        (250, 150, 150)
    );
    assert_eq!(calls, 4);
}

/// Pages are read six at a time, so a page served twice may come back after the copy: the
/// page it came back as (the wrong one) first, then its own page (the right one). Both are
/// asked again.
#[test]
fn a_page_served_before_its_own_page_is_asked_again_with_it() {
    let plan = spread_day(400, 7);
    // The first time, the page at 150 holds the page at 300's offers.
    let mut shifted = false;
    let (harvest, calls, _) = run_served_with(&plan, false, |start, matching, page| {
        if start == 150 && !shifted {
            shifted = true;
            page.offers = matching[300..].iter().map(|o| o.json.clone()).collect();
        }
    });
    assert_eq!(
        (harvest.offers.len(), harvest.shortfall),
        (400, 0),
        "the page at 150 asked again brings its own offers"
    );
    assert_eq!(harvest.pages_asked_again, 2);
    assert_eq!(calls, 5, "three pages, then the pages at 300 and 150 again");
}

#[test]
fn an_api_ignoring_the_creation_dates_stops_the_day_at_its_first_cut() {
    let plan = spread_day(12_000, 7);
    let offers = plan.offers();
    let mut planner = Planner::new(day_query(&plan), Vec::new());
    let mut calls = 0;
    while let Some(call) = planner.next_call() {
        calls += 1;
        let Call::Search { node, start, .. } = call else {
            panic!("no filter is needed: {call:?}");
        };
        // Every query answers the whole day, whatever its dates.
        let end = (start as usize + 150).min(offers.len());
        let page = SearchPage {
            total: offers.len() as u64,
            offers: offers[start as usize..end]
                .iter()
                .map(|o| o.json.clone())
                .collect(),
        };
        planner.absorb_page(node, start, page);
    }
    let Some(FiltersIgnored::Dates { total, in_parts }) = planner.fault() else {
        panic!("the API is found out: {:?}", planner.fault());
    };
    assert_eq!(*total, 12_000);
    assert!(*in_parts >= 24_000, "{in_parts}");
    assert!(calls < 20, "{calls} calls, not hours of them");
}

#[test]
fn an_api_announcing_more_than_any_day_holds_stops_the_day_instead_of_exhausting_memory() {
    let plan = spread_day(10, 3);
    // The day cut at once into more seconds than are read, and a day cut into seconds whose
    // every query announces more than the window holds, with reference lists as long as
    // the API likes.
    for day_total in [u64::MAX, 100_000_000] {
        let mut planner = Planner::new(day_query(&plan), Vec::new());
        let mut calls = 0;
        while let Some(call) = planner.next_call() {
            calls += 1;
            assert!(calls <= MAX_QUERIES, "the planner never stops");
            match call {
                Call::Search { node, query, start } => {
                    let total = match (node, query.seconds()) {
                        (0, _) => day_total,
                        (_, 1) => 5_000,
                        _ => 4_000,
                    };
                    let page = SearchPage {
                        total,
                        offers: Vec::new(),
                    };
                    planner.absorb_page(node, start, page);
                }
                Call::Reference(dimension) => {
                    let codes = (0..300_000)
                        .map(|n| Reference {
                            code: format!("C{n}"),
                            region: None,
                        })
                        .collect();
                    planner.absorb_reference(dimension, codes);
                }
            }
        }
        assert_eq!(
            planner.fault().map(ToString::to_string),
            Some(format!(
                "offres/search announces more offers than its queries can hold: reading the day it announced ({day_total} offers) would take more than 50,000 queries, which no real day needs; nothing lands"
            ))
        );
        assert!(
            planner.nodes.len() <= MAX_QUERIES,
            "{} queries held",
            planner.nodes.len()
        );
    }
}

#[test]
fn offers_added_while_a_query_is_read_show_as_announced_and_shortfall() {
    let plan = spread_day(600, 5);
    // After the first page, the query announces 200 offers more than it did.
    let (harvest, _, _) = run_served(&plan, false, |start, page| {
        if start > 0 {
            page.total += 200;
        }
    });
    assert_eq!(harvest.grown, 200);
    assert_eq!(harvest.announced, 800, "the growth is announced");
    assert_eq!(harvest.offers.len(), 600);
    assert_eq!(
        harvest.shortfall, 200,
        "and out of reach of the pages planned"
    );
    assert_eq!(harvest.missing_from_pages, 0);
}

#[test]
fn parts_announcing_more_than_a_count_holds_are_found_out_instead_of_overflowing() {
    let plan = spread_day(10, 3);
    let mut planner = Planner::new(day_query(&plan), Vec::new());
    let mut calls = 0;
    while let Some(call) = planner.next_call() {
        calls += 1;
        assert!(calls <= MAX_QUERIES, "the planner never stops");
        let Call::Search { node, start, .. } = call else {
            panic!("no filter is needed: {call:?}");
        };
        // The day announces 100,000 offers; its first two time windows each more than half
        // of what a 64-bit count holds (an API gone wrong), the others none.
        let total = match node {
            0 => 100_000,
            1 | 2 => u64::MAX / 2 + 1,
            _ => 0,
        };
        let page = SearchPage {
            total,
            offers: Vec::new(),
        };
        planner.absorb_page(node, start, page);
    }
    let Some(FiltersIgnored::Dates { total, in_parts }) = planner.fault() else {
        panic!("the API is found out: {:?}", planner.fault());
    };
    assert_eq!((*total, *in_parts), (100_000, u64::MAX));
}

/// The day of 2026-11-21 restricted to the source's `params`, written as JSON.
fn filtered_day(plan: &DayPlan, params: serde_json::Value) -> SearchQuery {
    let scope: releve::config::OfferFilters =
        serde_json::from_value(params).expect("filters the configuration takes");
    SearchQuery {
        scope: Arc::new(scope),
        ..day_query(plan)
    }
}

/// A day of 20,000 offers over France whose one crowded second, 10:00:00, holds 3,000 offers
/// in each of Haute-Garonne and the Tarn (Occitanie, mostly CDI) and 4,000 in Paris.
fn crowded_in_occitanie() -> DayPlan {
    let burst = |departement, offers| Burst {
        at: NaiveTime::from_hms_opt(10, 0, 0).expect("time"),
        offers,
        contract: "CDI",
        departement: Some(departement),
        without_place: 0.0,
    };
    DayPlan {
        bursts: vec![burst("31", 3_000), burst("81", 3_000), burst("75", 4_000)],
        ..spread_day(20_000, 31)
    }
}

/// Fails unless the harvest holds the `expected` offers, saying how many are missing or extra.
fn assert_same_offers(harvest: &Harvest, expected: &HashSet<String>) {
    let landed = ids(harvest);
    assert!(
        landed == *expected,
        "{} offers missing, {} outside the filter",
        expected.difference(&landed).count(),
        landed.difference(expected).count()
    );
}

/// The values a query sends for `param`, each.
fn sent(query: &SearchQuery, param: &str) -> Vec<String> {
    query
        .params(0)
        .into_iter()
        .filter(|(name, _)| *name == param)
        .flat_map(|(_, values)| values.split(',').map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// `region = "76"`: every query carries it, a crowded second is cut by contract type, then by
/// Occitanie's départements alone, and the day lands whole though it holds more than the
/// window: exactly the offers of the region.
#[test]
fn a_day_filtered_by_region_is_cut_within_the_region_and_lands_whole() {
    let plan = crowded_in_occitanie();
    let day = filtered_day(&plan, serde_json::json!({ "region": "76" }));
    let (harvest, _, queries, offers) = run_asking(&plan, day, false, |_, _, _| {});
    let expected: HashSet<String> = offers
        .iter()
        .filter(|o| o.departement.as_deref().and_then(region_of) == Some("76"))
        .map(|o| o.id.clone())
        .collect();
    assert!(expected.len() > 3_149 * 2, "{}", expected.len());
    assert_same_offers(&harvest, &expected);
    assert_eq!(harvest.offers.len(), expected.len(), "each once");
    assert_eq!(harvest.announced, expected.len() as u64);
    assert_eq!(harvest.shortfall, 0);
    assert!(
        queries.iter().all(|q| sent(q, "region") == ["76"]),
        "every query carries the filter"
    );
    let cut: HashSet<String> = queries
        .iter()
        .flat_map(|q| sent(q, "departement"))
        .collect();
    assert!(cut.contains("31") && cut.contains("81"), "{cut:?}");
    assert!(
        cut.iter().all(|d| region_of(d) == Some("76")),
        "only Occitanie's départements: {cut:?}"
    );
}

/// `departement = ["31", "81"]` and `typeContrat = "CDI"`: no query leaves them; the crowded
/// second is cut by those two départements alone, neither by contract type nor by region,
/// which the filters fix or imply.
#[test]
fn a_day_filtered_by_departements_is_cut_by_those_alone() {
    let plan = crowded_in_occitanie();
    let day = filtered_day(
        &plan,
        serde_json::json!({ "departement": ["31", "81"], "typeContrat": "CDI" }),
    );
    let (harvest, _, queries, offers) = run_asking(&plan, day, false, |_, _, _| {});
    let expected: HashSet<String> = offers
        .iter()
        .filter(|o| {
            o.contract == "CDI" && ["31", "81"].contains(&o.departement.as_deref().unwrap_or(""))
        })
        .map(|o| o.id.clone())
        .collect();
    assert!(expected.len() > 3_149, "{}", expected.len());
    assert_same_offers(&harvest, &expected);
    assert_eq!(harvest.shortfall, 0);
    assert_eq!(harvest.announced, expected.len() as u64);
    for query in &queries {
        assert_eq!(sent(query, "typeContrat"), ["CDI"], "{query}");
        let departements = sent(query, "departement");
        assert!(
            departements == ["31", "81"] || departements == ["31"] || departements == ["81"],
            "{query}"
        );
        assert!(sent(query, "region").is_empty(), "{query}");
    }
    assert!(
        queries
            .iter()
            .any(|q| q.filters == [(Dimension::Departement, "81".to_owned())]),
        "the crowded second is cut by département"
    );
}

/// Offers lost between time windows (the "Time windows hold fewer offers" warning: bounds
/// no longer inclusive, or offers withdrawn while the day was cut) are not offers crowded past
/// the window of one second: the count the collector's "Offers no query can reach: created in
/// one second in more than 3,149…" warning takes (`log_harvest`: shortfall less
/// missing_from_pages and grown) must not hold them on a day where no second is crowded.
#[test]
fn offers_lost_between_time_windows_are_not_counted_as_a_crowded_second() {
    let plan = spread_day(40_000, 3);
    let (harvest, _, offers) = run_against(&plan, true);
    assert!(
        harvest.shortfall > 0,
        "an exclusive upper bound loses offers"
    );
    assert!(
        unreachable(&offers).is_empty(),
        "no second of the day is crowded"
    );
    let warned = harvest
        .shortfall
        .saturating_sub(harvest.missing_from_pages + harvest.grown + harvest.between_windows);
    assert_eq!(
        warned, 0,
        "lost between windows, not crowded in one second (shortfall {})",
        harvest.shortfall
    );
}
