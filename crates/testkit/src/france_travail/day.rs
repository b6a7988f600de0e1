//! A generated day of France Travail offers: spread over the day with a working-hours peak,
//! plus bursts of offers sharing one creation second (a partner's bulk import), with the
//! attributes real offers sometimes lack (`romeCode`, `lieuTravail`, `salaire`, ...).
//! Everything is derived from a seed, so a plan always gives the same offers in the same order.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde_json::{Value, json};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DayPlan {
    /// The creation day (UTC).
    pub date: NaiveDate,
    /// Offers spread over the day.
    pub spread: usize,
    /// Offers sharing one creation second.
    pub bursts: Vec<Burst>,
    /// Seed of every random choice.
    pub seed: u64,
}

/// Offers created in the same second.
#[derive(Debug, Clone)]
pub struct Burst {
    /// The shared creation time.
    pub at: NaiveTime,
    /// How many offers.
    pub offers: usize,
    /// The contract type 90 % of them share (the rest draw one like spread offers).
    pub contract: &'static str,
    /// The département they share, when the import is for one place.
    pub departement: Option<&'static str>,
    /// Share of them with no `lieuTravail` at all (0.0 ..= 1.0).
    pub without_place: f64,
}

/// One generated offer and the attributes the double filters on.
#[derive(Debug, Clone)]
pub struct Offer {
    /// `id`.
    pub id: String,
    /// `dateCreation`, to the second.
    pub created: DateTime<Utc>,
    /// `typeContrat` (mandatory in France Travail's offers).
    pub contract: &'static str,
    /// The département of its `lieuTravail`, when it has a precise one.
    pub departement: Option<String>,
    /// The offer as the API serves it.
    pub json: Value,
}

/// Contract types and their weight among ordinary offers.
pub const CONTRACTS: [(&str, &str, u32); 8] = [
    ("CDI", "Contrat à durée indéterminée", 45),
    ("CDD", "Contrat à durée déterminée", 30),
    ("MIS", "Mission intérimaire", 17),
    ("SAI", "Contrat travail saisonnier", 4),
    ("LIB", "Profession libérale", 1),
    ("FRA", "Franchise", 1),
    ("CCE", "Profession commerciale", 1),
    ("DIN", "CDI intérimaire", 1),
];

const TRADES: [(&str, &str, &str); 8] = [
    ("K2204", "Nettoyage de locaux", "Agent / Agente de propreté"),
    (
        "J1501",
        "Soins d'hygiène, de confort du patient",
        "Aide-soignant / Aide-soignante",
    ),
    (
        "N1103",
        "Magasinage et préparation de commandes",
        "Préparateur / Préparatrice de commandes",
    ),
    (
        "G1602",
        "Personnel de cuisine",
        "Commis / Commise de cuisine",
    ),
    (
        "D1507",
        "Mise en rayon libre-service",
        "Employé / Employée de libre-service",
    ),
    ("M1607", "Secrétariat", "Secrétaire"),
    ("F1703", "Maçonnerie", "Maçon / Maçonne"),
    (
        "M1805",
        "Études et développement informatique",
        "Développeur / Développeuse web",
    ),
];

const SECTORS: [&str; 5] = [
    "Activités des agences de travail temporaire",
    "Hébergement médicalisé pour personnes âgées",
    "Restauration traditionnelle",
    "Commerce de détail en magasin non spécialisé",
    "Programmation informatique",
];

/// The 18 regions and their départements (INSEE codes).
pub const REGIONS: [(&str, &str); 18] = [
    ("84", "01 03 07 15 26 38 42 43 63 69 73 74"),
    ("27", "21 25 39 58 70 71 89 90"),
    ("53", "22 29 35 56"),
    ("24", "18 28 36 37 41 45"),
    ("94", "2A 2B"),
    ("44", "08 10 51 52 54 55 57 67 68 88"),
    ("32", "02 59 60 62 80"),
    ("11", "75 77 78 91 92 93 94 95"),
    ("28", "14 27 50 61 76"),
    ("75", "16 17 19 23 24 33 40 47 64 79 86 87"),
    ("76", "09 11 12 30 31 32 34 46 48 65 66 81 82"),
    ("52", "44 49 53 72 85"),
    ("93", "04 05 06 13 83 84"),
    ("01", "971"),
    ("02", "972"),
    ("03", "973"),
    ("04", "974"),
    ("06", "976"),
];

/// The 101 départements.
pub fn departements() -> Vec<String> {
    REGIONS
        .iter()
        .flat_map(|(_, list)| list.split(' ').map(str::to_owned))
        .collect()
}

/// The region of a département.
pub fn region_of(departement: &str) -> Option<&'static str> {
    REGIONS
        .iter()
        .find(|(_, list)| list.split(' ').any(|d| d == departement))
        .map(|(region, _)| *region)
}

/// A small deterministic generator (splitmix64).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, share: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= share
    }

    fn contract(&mut self) -> &'static str {
        let total: u32 = CONTRACTS.iter().map(|c| c.2).sum();
        let mut roll = self.below(u64::from(total)) as u32;
        for (code, _, weight) in CONTRACTS {
            if roll < weight {
                return code;
            }
            roll -= weight;
        }
        "CDI"
    }

    /// A second of the day, more likely during working hours.
    fn second_of_day(&mut self) -> u32 {
        const HOUR_WEIGHTS: [u32; 24] = [
            1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 11, 7, 9, 12, 12, 10, 8, 5, 3, 2, 2, 1, 1,
        ];
        let total: u32 = HOUR_WEIGHTS.iter().sum();
        let mut roll = self.below(u64::from(total)) as u32;
        let mut hour = 0;
        while roll >= HOUR_WEIGHTS[hour] {
            roll -= HOUR_WEIGHTS[hour];
            hour += 1;
        }
        hour as u32 * 3600 + self.below(3600) as u32
    }
}

/// An id shaped like the real ones ("207QYWM"): three digits and four letters, unique per index.
fn offer_id(index: u64, seed: u64) -> String {
    const SPACE: u64 = 1000 * 26 * 26 * 26 * 26;
    let mut n = (index.wrapping_mul(1_000_003) + seed % SPACE) % SPACE;
    let mut letters = [b'A'; 4];
    for letter in letters.iter_mut().rev() {
        *letter = b'A' + (n % 26) as u8;
        n /= 26;
    }
    format!("{n:03}{}", String::from_utf8_lossy(&letters))
}

/// What one offer looks like before it is written as JSON.
struct Draft {
    created: DateTime<Utc>,
    contract: &'static str,
    departement: Option<String>,
    without_place: bool,
}

impl DayPlan {
    /// The plan's offers in the API's order: most recent creation first, then by id.
    pub fn offers(&self) -> Vec<Offer> {
        let mut dice = Dice(self.seed);
        let midnight = self.date.and_time(NaiveTime::MIN).and_utc();
        let departements = departements();
        let mut drafts = Vec::new();
        for _ in 0..self.spread {
            let created = midnight + TimeDelta::seconds(i64::from(dice.second_of_day()));
            let departement = departements[dice.below(departements.len() as u64) as usize].clone();
            drafts.push(Draft {
                created,
                contract: dice.contract(),
                departement: Some(departement),
                without_place: dice.chance(0.06),
            });
        }
        for burst in &self.bursts {
            let created = self.date.and_time(burst.at).and_utc();
            for _ in 0..burst.offers {
                let contract = if dice.chance(0.9) {
                    burst.contract
                } else {
                    dice.contract()
                };
                let departement = match burst.departement {
                    Some(code) => code.to_owned(),
                    None => departements[dice.below(departements.len() as u64) as usize].clone(),
                };
                drafts.push(Draft {
                    created,
                    contract,
                    departement: Some(departement),
                    without_place: dice.chance(burst.without_place),
                });
            }
        }
        let mut offers: Vec<Offer> = drafts
            .into_iter()
            .enumerate()
            .map(|(index, draft)| draft.into_offer(offer_id(index as u64, self.seed), &mut dice))
            .collect();
        offers.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        offers
    }
}

impl Draft {
    fn into_offer(self, id: String, dice: &mut Dice) -> Offer {
        let trade = TRADES[dice.below(TRADES.len() as u64) as usize];
        let created = self.created.format("%Y-%m-%dT%H:%M:%S.000Z").to_string();
        let updated = (self.created + TimeDelta::minutes(dice.below(600) as i64))
            .format("%Y-%m-%dT%H:%M:%S.000Z")
            .to_string();
        let libelle = CONTRACTS
            .iter()
            .find(|c| c.0 == self.contract)
            .map_or("", |c| c.1);
        let mut json = json!({
            "id": id,
            "intitule": trade.2,
            "description": format!("Nous recherchons un(e) {} pour renforcer notre équipe.", trade.2),
            "dateCreation": created,
            "dateActualisation": updated,
            "romeCode": trade.0,
            "romeLibelle": trade.1,
            "appellationlibelle": trade.2,
            "entreprise": { "nom": format!("ENTREPRISE {}", dice.below(5000)) },
            "typeContrat": self.contract,
            "typeContratLibelle": libelle,
            "natureContrat": "Contrat travail",
            "experienceExige": if dice.chance(0.6) { "D" } else { "E" },
            "salaire": { "libelle": format!("Mensuel de {} Euros sur 12 mois", 1800 + dice.below(1500)) },
            "nombrePostes": 1 + dice.below(3),
            "secteurActiviteLibelle": SECTORS[dice.below(SECTORS.len() as u64) as usize],
            "origineOffre": { "origine": "1", "urlOrigine": format!("https://candidat.francetravail.fr/offres/recherche/detail/{id}") },
            "contact": { "nom": "Mme Claire Martin", "courriel": format!("recrutement.{id}@example.fr"), "coordonnees1": "05 61 00 00 00" },
        });
        let mut departement = self.departement;
        if let Some(map) = json.as_object_mut() {
            if dice.chance(0.05) {
                map.remove("romeCode");
                map.remove("romeLibelle");
            }
            if dice.chance(0.2) {
                map.remove("salaire");
            }
            if dice.chance(0.1) {
                map.remove("secteurActiviteLibelle");
            }
            let place = match &departement {
                _ if self.without_place => None,
                Some(_) if dice.chance(0.02) => Some(json!({ "libelle": "France" })),
                Some(code) => Some(place_in(code, dice)),
                None => None,
            };
            if place.as_ref().is_none_or(|p| p.get("commune").is_none()) {
                departement = None;
            }
            if let Some(place) = place {
                map.insert("lieuTravail".to_owned(), place);
            }
        }
        Offer {
            id,
            created: self.created,
            contract: self.contract,
            departement,
            json,
        }
    }
}

/// Where a region's offers are: its INSEE code, its main city, and a box around the region
/// (its middle and half-spans), every pair as (latitude, longitude) in degrees.
struct RegionPlace {
    code: &'static str,
    city: (f64, f64),
    middle: (f64, f64),
    half: (f64, f64),
}

const fn region(
    code: &'static str,
    city: (f64, f64),
    middle: (f64, f64),
    half: (f64, f64),
) -> RegionPlace {
    RegionPlace {
        code,
        city,
        middle,
        half,
    }
}

/// Every region, overseas included.
#[rustfmt::skip]
const REGION_PLACES: [RegionPlace; 18] = [
    region("84", (45.76, 4.84), (45.35, 4.65), (1.1, 2.5)),
    region("27", (47.32, 5.04), (47.3, 5.0), (1.0, 2.0)),
    region("53", (48.11, -1.68), (48.1, -2.85), (0.7, 1.8)),
    region("24", (47.90, 1.91), (47.6, 1.6), (1.1, 1.4)),
    region("94", (41.93, 8.74), (42.15, 9.05), (0.6, 0.3)),
    region("44", (48.58, 7.75), (48.7, 5.8), (1.2, 2.2)),
    region("32", (50.63, 3.06), (49.9, 2.8), (0.9, 1.3)),
    region("11", (48.86, 2.35), (48.7, 2.5), (0.4, 0.8)),
    region("28", (49.44, 1.10), (49.0, -0.1), (0.6, 1.6)),
    region("75", (44.84, -0.58), (45.0, 0.4), (1.7, 1.8)),
    region("76", (43.60, 1.44), (43.7, 2.3), (1.0, 2.2)),
    region("52", (47.22, -1.55), (47.4, -0.9), (0.9, 1.4)),
    region("93", (43.30, 5.37), (43.9, 6.0), (0.7, 1.4)),
    region("01", (16.24, -61.55), (16.2, -61.5), (0.2, 0.3)),
    region("02", (14.64, -61.02), (14.65, -61.0), (0.15, 0.1)),
    region("03", (4.93, -52.33), (4.0, -53.0), (1.0, 0.8)),
    region("04", (-20.88, 55.45), (-21.1, 55.5), (0.2, 0.25)),
    region("06", (-12.78, 45.23), (-12.8, 45.15), (0.1, 0.1)),
];

/// A place of work in the département's region: most near its main city, the rest anywhere
/// in a box around the region, so the offers' map looks like France's, overseas included.
fn position_in(departement: &str, dice: &mut Dice) -> (f64, f64) {
    const FRANCE: RegionPlace = region("", (46.6, 2.4), (46.6, 2.4), (4.0, 6.0));
    let region = region_of(departement);
    let place = REGION_PLACES
        .iter()
        .find(|place| Some(place.code) == region)
        .unwrap_or(&FRANCE);
    let (centre, half) = if dice.chance(0.6) {
        (place.city, (0.15, 0.2))
    } else {
        (place.middle, place.half)
    };
    let mut offset = |half: f64| (dice.below(2001) as f64 / 1000.0 - 1.0) * half;
    (centre.0 + offset(half.0), centre.1 + offset(half.1))
}

fn place_in(departement: &str, dice: &mut Dice) -> Value {
    let town = dice.below(900) + 1;
    let commune = format!("{departement}{town:0width$}", width = 5 - departement.len());
    let prefix = match departement {
        "2A" | "2B" => "20",
        code => code.get(..2).unwrap_or(code),
    };
    let postcode = format!("{prefix}{:03}", dice.below(99) * 10);
    let (latitude, longitude) = position_in(departement, dice);
    json!({
        "libelle": format!("{departement} - Commune {town}"),
        "latitude": latitude,
        "longitude": longitude,
        "codePostal": postcode,
        "commune": commune,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_of_work_lie_in_their_departement_s_region() {
        let plan = DayPlan {
            date: NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default(),
            spread: 2_000,
            bursts: Vec::new(),
            seed: 7,
        };
        let mut overseas = 0;
        for offer in plan.offers() {
            let place = &offer.json["lieuTravail"];
            let (Some(lat), Some(lon), Some(code)) = (
                place["latitude"].as_f64(),
                place["longitude"].as_f64(),
                offer.departement.as_deref(),
            ) else {
                continue;
            };
            let expected = match code {
                "974" => (-21.4..-20.6, 55.1..55.9),
                "971" => (15.9..16.5, -61.9..-61.1),
                "2A" | "2B" => (41.3..42.9, 8.5..9.5),
                _ if code.len() == 3 => continue,
                _ => (41.3..51.2, -5.2..9.6),
            };
            overseas += usize::from(code.len() == 3);
            assert!(
                expected.0.contains(&lat) && expected.1.contains(&lon),
                "{code}: ({lat}, {lon}) is outside its region"
            );
        }
        assert!(overseas > 0, "some offers are overseas");
    }
}
