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
pub(super) struct Dice(pub(super) u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(super) fn chance(&mut self, share: f64) -> bool {
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

fn place_in(departement: &str, dice: &mut Dice) -> Value {
    let town = dice.below(900) + 1;
    let commune = format!("{departement}{town:0width$}", width = 5 - departement.len());
    let prefix = match departement {
        "2A" | "2B" => "20",
        code => code.get(..2).unwrap_or(code),
    };
    let postcode = format!("{prefix}{:03}", dice.below(99) * 10);
    let (latitude, longitude) = super::places::position_in(departement, dice);
    json!({
        "libelle": format!("{departement} - Commune {town}"),
        "latitude": latitude,
        "longitude": longitude,
        "codePostal": postcode,
        "commune": commune,
    })
}
