//! Embedded content of the demo marketplace "ChemTradeHub" served by `precwatch demo`.
//!
//! ChemTradeHub is a FICTIONAL B2B trade marketplace: every company, person, phone
//! number (+86 555-xxxx and similar), e-mail address (example.com / example.cn) and
//! listing below is invented. About 40 product pages: most are ordinary goods and
//! close-name decoys, ten offer controlled precursors with the evasive sales talk
//! described in `shared/domain/precursors.md` §4, one is a plain catalogue listing
//! of a watched reagent (medium), one carries tactics with no substance (low).
//!
//! The site deliberately exercises a crawler:
//! * `robots.txt` disallows `/cart` and `/login` (both are linked from every page);
//! * category pages paginate with `?page=N` (prev/next and page-number links);
//! * links carry tracking parameters (`utm_*`, `ref=featured`), `#reviews`
//!   fragments, relative `./x.html` forms, and external hosts (`https://www.example.org/`,
//!   `//help.example.net/`), `mailto:`, `tel:` and `javascript:` links;
//! * some benign pages hide substance names and tactic phrases in `<script>`,
//!   `<style>`, `<noscript>`, `<template>`, `display:none` blocks and comments (traps
//!   that must not cause a flag);
//! * one listing is served as GBK bytes with the charset declared only in a
//!   `<meta http-equiv>` (`gb2312`), not in the Content-Type header;
//! * identifiers are obfuscated: truncated CAS, full-width CAS, a zero-width space
//!   and Cyrillic look-alike letters inside names, Spanish sales talk.
//!
//! `expected_flags()` lists every page the default policy (`rules/policy.toml`) should rate
//! above "none": ten "high" (substance + strong tactic), one "medium" (propionyl chloride,
//! plain catalogue listing), and three "low": a tactics-only listing with no substance, and
//! two hard negatives the policy caps at "low" by design (an office chair with "door to door
//! DDP shipping", tactic alone; the news article about NPP seizures, substance + news
//! context). Every other page should be "none": commodities and close-name decoys (aniline,
//! 1-benzyl-4-piperidone, 2-piperidone, 4-hydroxypiperidine, 1-Boc-piperazine,
//! N-Boc-isonipecotic acid), fentanyl test strips (harm reduction), and the trap pages.
//!
//! Everything is deterministic and uses `std` only.

/// One response of the demo marketplace.
pub struct Page {
    /// The HTTP status code.
    pub status: u16,
    /// The Content-Type header; deliberately without a charset for the GBK page.
    pub content_type: &'static str,
    /// The body bytes (UTF-8, except the GBK page).
    pub body: Vec<u8>,
    /// Further response headers as (name, value).
    pub headers: Vec<(&'static str, String)>,
}

const HTML_UTF8: &str = "text/html; charset=utf-8";
const PAGE_SIZE: usize = 6;
const DEFAULT_PRICE: &str = "US $ 1-10 / kilogram, negotiable";
const NEWS_SLUG: &str = "news-npp-seizures-regulation";
const FEATURED_SLUG: &str = "1-boc-4-piperidone-79099-07-3";
const GBK_SLUG: &str = "n-phenethyl-4-piperidone-npp-zh";

/// Hidden or non-visible markup placed on (benign) pages as traps.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Trap {
    None,
    Script,
    Style,
    NoScript,
    Hidden,
    Template,
    Comment,
    All,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// An ordinary UTF-8 product page.
    Listing,
    /// A news article that lives under `/product/` (no specs, no supplier block).
    Article,
    /// The GBK-encoded Chinese listing (rendered by `render_gbk`).
    Gbk,
}

#[derive(Clone, Copy)]
struct Product {
    slug: &'static str,
    name: &'static str,
    cat: &'static str,
    supplier: &'static str,
    synonyms: &'static str,
    cas: &'static str,
    purity: &'static str,
    appearance: &'static str,
    package: &'static str,
    moq: &'static str,
    price: &'static str,
    supply: &'static str,
    delivery: &'static str,
    payment: &'static str,
    /// Free text; paragraphs separated by a blank line.
    description: &'static str,
    trap: Trap,
    kind: Kind,
    /// Risk the default rules should give ("high"/"medium"/"low"); "" = not meant to be flagged.
    expect: &'static str,
    /// Hard negatives that carry a trigger word (test strips, DDP furniture, news) are never
    /// used as "related products" on other pages, so their names do not leak elsewhere.
    linkable: bool,
}

const BASE: Product = Product {
    slug: "",
    name: "",
    cat: "",
    supplier: "",
    synonyms: "",
    cas: "",
    purity: "99%",
    appearance: "White powder",
    package: "1 kg/bag, 25 kg/drum",
    moq: "1 Kilogram",
    price: DEFAULT_PRICE,
    supply: "1000 Kilogram/Kilograms per Month",
    delivery: "Within 7 days after payment",
    payment: "T/T, L/C",
    description: "",
    trap: Trap::None,
    kind: Kind::Listing,
    expect: "",
    linkable: true,
};

struct Category {
    slug: &'static str,
    name: &'static str,
    blurb: &'static str,
}

static CATEGORIES: &[Category] = &[
    Category {
        slug: "basic-chemicals",
        name: "Basic Chemicals",
        blurb: "Inorganic salts, acids, solvents and pigments in bulk and drum quantities.",
    },
    Category {
        slug: "pharmaceutical-intermediates",
        name: "Pharmaceutical Intermediates",
        blurb: "Heterocyclic building blocks and fine chemicals for API manufacturing.",
    },
    Category {
        slug: "lab-supplies",
        name: "Lab Supplies & Testing",
        blurb: "Glassware, consumables, meters and rapid test kits.",
    },
    Category {
        slug: "office-industrial",
        name: "Office & Industrial",
        blurb: "Office furniture, lighting, packaging and warehouse equipment.",
    },
];

struct Supplier {
    slug: &'static str,
    name: &'static str,
    location: &'static str,
    years: u32,
    contact: &'static str,
    phone: &'static str,
    email: &'static str,
    website: &'static str,
    about: &'static str,
}

static SUPPLIERS: &[Supplier] = &[
    Supplier {
        slug: "mapleford-chemical",
        name: "Mapleford Chemical Co., Ltd.",
        location: "Hangzhou, Zhejiang, China",
        years: 11,
        contact: "Ms. Lily Zhou",
        phone: "+86 555-0101",
        email: "sales@mapleford.example.cn",
        website: "https://www.example.org/suppliers/mapleford",
        about: "Distributor of basic inorganic and organic chemicals for the food, coatings, detergent and water-treatment industries. ISO 9001 certified warehouse near Ningbo port.",
    },
    Supplier {
        slug: "lowlands-fine-reagents",
        name: "Lowlands Fine Reagents B.V.",
        location: "Rotterdam, Netherlands",
        years: 8,
        contact: "Mr. Joris van Dijk",
        phone: "+31 555-0142",
        email: "orders@lowlands-reagents.example.com",
        website: "https://www.example.org/suppliers/lowlands-fine-reagents",
        about: "Catalogue supplier of solvents and acylating reagents to industrial customers in the EU. Orders are shipped under ADR/IMDG and require a company end-use statement.",
    },
    Supplier {
        slug: "northgate-intermediates",
        name: "Northgate Fine Intermediates Co., Ltd.",
        location: "Nanjing, Jiangsu, China",
        years: 14,
        contact: "Dr. Wei Sun",
        phone: "+86 555-0112",
        email: "info@northgate-fi.example.cn",
        website: "https://www.example.org/suppliers/northgate",
        about: "Custom synthesis and catalogue building blocks (piperidines, piperazines, protected amino acids) for pharmaceutical R&D and scale-up. COA, HNMR and HPLC with every batch.",
    },
    Supplier {
        slug: "clearwell-labware",
        name: "Clearwell Labware Co., Ltd.",
        location: "Shanghai, China",
        years: 7,
        contact: "Ms. Anna Xu",
        phone: "+86 555-0120",
        email: "export@clearwell.example.cn",
        website: "https://www.example.org/suppliers/clearwell",
        about: "Laboratory glassware, plastic consumables, bench instruments and rapid test kits for laboratories, clinics and public-health programmes.",
    },
    Supplier {
        slug: "sunbench-furniture",
        name: "Sunbench Office Furniture Co., Ltd.",
        location: "Foshan, Guangdong, China",
        years: 9,
        contact: "Mr. Kevin Liang",
        phone: "+86 555-0128",
        email: "kevin@sunbench.example.cn",
        website: "https://www.example.org/suppliers/sunbench",
        about: "Manufacturer of office chairs, desks and storage furniture. OEM/ODM welcome, BIFMA tested.",
    },
    Supplier {
        slug: "bluefinch-biotech",
        name: "Bluefinch Biotech Trading Co., Ltd.",
        location: "Wuhan, Hubei, China",
        years: 2,
        contact: "Ms. Coco",
        phone: "+86 555-0177",
        email: "bluefinch.sales@example.com",
        website: "https://www.example.org/suppliers/bluefinch",
        about: "We are trading company with rich experience in pharmaceutical intermediates. Our products sell well in America, Europe and Australia.",
    },
    Supplier {
        slug: "silverkite-chemical",
        name: "Silverkite Chemical Technology Co., Ltd.",
        location: "Shijiazhuang, Hebei, China",
        years: 6,
        contact: "Mr. Wang",
        phone: "+86 555-0155",
        email: "silverkite.wang@example.com",
        website: "https://www.example.org/suppliers/silverkite",
        about: "Professional supplier of fine chemicals and intermediates, our own factory and lab.",
    },
    Supplier {
        slug: "redlantern-material",
        name: "Redlantern New Material Co., Ltd.",
        location: "Guangzhou, Guangdong, China",
        years: 1,
        contact: "Ms. Lucy",
        phone: "+86 555-0166",
        email: "lucy.redlantern@example.com",
        website: "https://www.example.org/suppliers/redlantern",
        about: "New materials and chemical raw materials, big stock, good price, fast reply.",
    },
    Supplier {
        slug: "quietriver-pharmatech",
        name: "Quietriver Pharmatech Co., Ltd.",
        location: "Xiaogan, Hubei, China",
        years: 3,
        contact: "Mr. Jack",
        phone: "+86 555-0133",
        email: "jack.quietriver@example.com",
        website: "https://www.example.org/suppliers/quietriver",
        about: "Pharmaceutical intermediates and APIs, strict quality control, customer first.",
    },
];

// ---------------------------------------------------------------------------------------
// Products. Order inside a category is the order on the category pages (6 per page).
// ---------------------------------------------------------------------------------------
static PRODUCTS: &[Product] = &[
    // ----- Basic Chemicals (12) -----
    Product {
        slug: "sodium-chloride-7647-14-5",
        name: "Sodium Chloride Industrial Grade 99.5%, CAS 7647-14-5",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "Salt; NaCl; Industrial salt",
        cas: "7647-14-5",
        purity: "99.5%",
        appearance: "White crystalline granules",
        package: "25 kg / 50 kg PP woven bag, 1 ton jumbo bag",
        moq: "20 Metric Tons",
        price: "US $ 60-90 / metric ton, negotiable",
        supply: "50000 Metric Ton/Metric Tons per Month",
        delivery: "15 days after deposit",
        payment: "T/T, L/C at sight",
        description: "Industrial salt for water softening, de-icing, chlor-alkali production and textile dyeing.\nMoisture <= 0.5%, water insolubles <= 0.05%.\n\nFull container loads shipped from Ningbo port. SGS inspection available on request.",
        trap: Trap::Script,
        ..BASE
    },
    Product {
        slug: "citric-acid-anhydrous-77-92-9",
        name: "Citric Acid Anhydrous Food Grade E330, CAS 77-92-9",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "2-Hydroxypropane-1,2,3-tricarboxylic acid; E330",
        cas: "77-92-9",
        purity: "99.5% - 100.5% (BP/USP/FCC)",
        appearance: "Colourless crystals or white crystalline powder",
        package: "25 kg kraft paper bag with PE liner",
        moq: "1 Metric Ton",
        price: "US $ 0.6-0.9 / kilogram, negotiable",
        supply: "3000 Metric Ton/Metric Tons per Month",
        delivery: "10-15 days",
        payment: "T/T, L/C",
        description: "Acidulant and preservative for beverages, jams, confectionery and cleaning products. Mesh 8-40 and 30-100 available.\n\nHalal & Kosher certificates. Free sample 500 g for quality evaluation.",
        trap: Trap::Hidden,
        ..BASE
    },
    Product {
        slug: "ethyl-acetate-141-78-6",
        name: "Ethyl Acetate 99.9% Solvent, CAS 141-78-6",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "Ethyl ethanoate; Acetic acid ethyl ester; EAC",
        cas: "141-78-6",
        purity: "99.9%",
        appearance: "Colourless transparent liquid",
        package: "180 kg steel drum, ISO tank",
        moq: "14.4 Metric Tons (one 20' container)",
        price: "US $ 850-980 / metric ton, negotiable",
        supply: "5000 Metric Ton/Metric Tons per Month",
        delivery: "20 days",
        payment: "T/T, L/C",
        description: "Solvent for inks, coatings, adhesives and flexible packaging. Low water content (<= 0.05%), acidity <= 0.004%.\n\nShipped as UN 1173, class 3. MSDS and TDS on request.",
        trap: Trap::Template,
        ..BASE
    },
    Product {
        slug: "titanium-dioxide-rutile-13463-67-7",
        name: "Titanium Dioxide Rutile R-902 for Coatings, CAS 13463-67-7",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "TiO2; Titanium white; Rutile pigment",
        cas: "13463-67-7",
        purity: "TiO2 >= 93%",
        appearance: "White powder",
        package: "25 kg bag, 20 tons per 20' container",
        moq: "5 Metric Tons",
        price: "US $ 1.9-2.4 / kilogram, negotiable",
        supply: "2000 Metric Ton/Metric Tons per Month",
        delivery: "15 days",
        payment: "T/T, L/C, D/P",
        description: "Chloride-process rutile pigment with high gloss & durability for architectural and industrial coatings, plastics and paper.\nMean particle size < 0.3 um, oil absorption 17 g/100 g.\n\nReach registered. Samples available.",
        trap: Trap::Style,
        ..BASE
    },
    Product {
        slug: "propionyl-chloride-79-03-8",
        name: "Propionyl Chloride 99%, CAS 79-03-8",
        cat: "basic-chemicals",
        supplier: "lowlands-fine-reagents",
        synonyms: "Propanoyl chloride",
        cas: "79-03-8",
        purity: "99.0% min (GC)",
        appearance: "Colourless fuming liquid",
        package: "25 L HDPE drum, 200 L drum",
        moq: "200 Kilogram",
        price: DEFAULT_PRICE,
        supply: "20 Metric Ton/Metric Tons per Month",
        delivery: "14 days",
        payment: "T/T, L/C",
        description: "Propionyl chloride for industrial acylation, agrochemical and pharmaceutical manufacturing. Assay 99.0% min by GC; free acid 0.5% max.\n\nShipped as UN 1815, class 3 (8), packing group II, under ADR/IMDG. Orders require a company end-use statement; export licences are arranged where applicable.",
        expect: "medium",
        ..BASE
    },
    Product {
        slug: "aniline-62-53-3",
        name: "Aniline 99.9% for Dyes & Pigments, CAS 62-53-3",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "Benzenamine; Aminobenzene; Phenylamine",
        cas: "62-53-3",
        purity: "99.9%",
        appearance: "Colourless to light yellow oily liquid",
        package: "200 kg iron drum, ISO tank",
        moq: "16 Metric Tons",
        price: "US $ 1.3-1.6 / kilogram, negotiable",
        supply: "3000 Metric Ton/Metric Tons per Month",
        delivery: "20 days",
        payment: "T/T, L/C",
        description: "Aniline for the manufacture of MDI, rubber chemicals, azo dyes and pigments (aniline black, indigo).\nWater <= 0.1%, nitrobenzene <= 0.002%.\n\nShipped as UN 1547, class 6.1. Supplied to dye houses and rubber plants only; MSDS provided.",
        ..BASE
    },
    Product {
        slug: "sodium-bicarbonate-144-55-8",
        name: "Sodium Bicarbonate Food Grade, CAS 144-55-8",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "Baking soda; Sodium hydrogen carbonate",
        cas: "144-55-8",
        purity: "99.0% - 100.5%",
        appearance: "White crystalline powder",
        package: "25 kg bag",
        moq: "10 Metric Tons",
        price: "US $ 220-280 / metric ton, negotiable",
        supply: "20000 Metric Ton/Metric Tons per Month",
        delivery: "10 days",
        payment: "T/T, L/C",
        description: "Leavening agent for bakery, feed additive and flue-gas treatment grade available.\n\nFood grade conforms to FCC and E500(ii).",
        ..BASE
    },
    Product {
        slug: "hot-sale-white-powder-best-price",
        name: "Hot Sale White Powder Best Price Fast Shipping",
        cat: "basic-chemicals",
        supplier: "redlantern-material",
        synonyms: "",
        cas: "Contact supplier",
        purity: "99.9%",
        appearance: "White powder",
        package: "1 kg foil bag",
        moq: "1 Kilogram",
        price: DEFAULT_PRICE,
        supply: "800 Kilogram/Kilograms per Month",
        delivery: "3-5 days",
        payment: "USDT (TRC20), BTC, Western Union",
        description: "Top quality, big stock, hot sale!! Contact us for CAS and product details.\n\n100% safe delivery to USA, Canada and Mexico, door to door, 100% customs clearance.\n\nPayment: USDT, BTC, Western Union.\nTelegram: @redlantern_mx_demo  WhatsApp: +86 555-0166",
        expect: "low",
        ..BASE
    },
    Product {
        slug: "glycerine-usp-56-81-5",
        name: "Glycerine 99.7% USP Grade, CAS 56-81-5",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "Glycerol; Propane-1,2,3-triol",
        cas: "56-81-5",
        purity: "99.7%",
        appearance: "Clear viscous liquid",
        package: "250 kg HDPE drum, 1250 kg IBC",
        moq: "5 Metric Tons",
        price: "US $ 700-850 / metric ton, negotiable",
        supply: "4000 Metric Ton/Metric Tons per Month",
        delivery: "15 days",
        payment: "T/T, L/C",
        description: "Refined vegetable glycerine for cosmetics, toothpaste, e-liquid bases and food.\n\nKosher, Halal and RSPO MB certificates available.",
        trap: Trap::All,
        ..BASE
    },
    Product {
        slug: "isopropyl-alcohol-67-63-0",
        name: "Isopropyl Alcohol 99.9% (IPA), CAS 67-63-0",
        cat: "basic-chemicals",
        supplier: "lowlands-fine-reagents",
        synonyms: "2-Propanol; Isopropanol",
        cas: "67-63-0",
        purity: "99.9%",
        appearance: "Colourless liquid",
        package: "160 kg steel drum, 800 kg IBC",
        moq: "800 Kilogram",
        price: "US $ 1.1-1.4 / kilogram, negotiable",
        supply: "500 Metric Ton/Metric Tons per Month",
        delivery: "7-10 days within the EU",
        payment: "T/T",
        description: "Electronic and industrial grade IPA for cleaning, printing and disinfectant formulation.\n\nShipped as UN 1219, class 3.",
        trap: Trap::Comment,
        ..BASE
    },
    Product {
        slug: "sodium-sulfate-anhydrous-7757-82-6",
        name: "Sodium Sulphate Anhydrous 99%, CAS 7757-82-6",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "Glauber's salt (anhydrous); Thenardite",
        cas: "7757-82-6",
        purity: "99%",
        appearance: "White granular or powder",
        package: "50 kg bag",
        moq: "25 Metric Tons",
        price: "US $ 90-120 / metric ton, negotiable",
        supply: "30000 Metric Ton/Metric Tons per Month",
        delivery: "15 days",
        payment: "T/T, L/C",
        description: "Filler for powder detergents, glass melting and textile dyeing assistant.",
        ..BASE
    },
    Product {
        slug: "calcium-carbonate-heavy-471-34-1",
        name: "Heavy Calcium Carbonate 800 Mesh, CAS 471-34-1",
        cat: "basic-chemicals",
        supplier: "mapleford-chemical",
        synonyms: "GCC; Ground calcium carbonate",
        cas: "471-34-1",
        purity: "CaCO3 >= 98%",
        appearance: "White fine powder",
        package: "25 kg bag, 1 ton jumbo bag",
        moq: "20 Metric Tons",
        price: "US $ 45-70 / metric ton, negotiable",
        supply: "50000 Metric Ton/Metric Tons per Month",
        delivery: "10 days",
        payment: "T/T, L/C",
        description: "Filler for PVC pipes, paints, paper and rubber. Whiteness >= 95%.",
        ..BASE
    },
    // ----- Pharmaceutical Intermediates (15) -----
    Product {
        slug: "1-benzyl-4-piperidone-3612-20-2",
        name: "1-Benzyl-4-piperidone 99%, CAS 3612-20-2",
        cat: "pharmaceutical-intermediates",
        supplier: "northgate-intermediates",
        synonyms: "",
        cas: "3612-20-2",
        purity: "99% (HPLC)",
        appearance: "Colourless to pale yellow liquid",
        package: "1 kg bottle, 25 kg drum",
        moq: "1 Kilogram",
        supply: "500 Kilogram/Kilograms per Month",
        delivery: "10 days",
        payment: "T/T, L/C",
        description: "Catalogue building block for pharmaceutical R&D and scale-up. COA, HNMR and HPLC with each batch.\n\nShipped only to registered companies after customer qualification; end-use statement required.",
        ..BASE
    },
    Product {
        slug: FEATURED_SLUG,
        name: "1-Boc-4-Piperidone CAS 79099-07-3 High Purity 99% Factory Supply",
        cat: "pharmaceutical-intermediates",
        supplier: "bluefinch-biotech",
        synonyms: "N-Boc-4-piperidone; tert-Butyl 4-oxopiperidine-1-carboxylate; N-叔丁氧羰基-4-哌啶酮",
        cas: "79099-07-3",
        purity: "99%+",
        appearance: "White to off-white crystalline powder",
        package: "1 kg/bag, 25 kg/drum",
        moq: "1 Kilogram",
        supply: "2000 Kilogram/Kilograms per Month",
        delivery: "3-7 days, USA warehouse stock",
        payment: "USDT (TRC20), BTC, Western Union",
        description: "Hot sale!! We are professional manufacturer of 1-Boc-4-piperidone, large stock, best price, good quality.\n\n100% safe delivery to Mexico, USA, Canada. USA warehouse ready stock, domestic shipping 3-5 days. Mexico door to door.\n\nPayment: USDT / BTC / Western Union.\nContact with me on WhatsApp: +86 555-0177 or Telegram: @bluefinch_sales_demo for best price and tracking number.",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "2-piperidone-675-20-7",
        name: "2-Piperidone (delta-Valerolactam) 99%, CAS 675-20-7",
        cat: "pharmaceutical-intermediates",
        supplier: "northgate-intermediates",
        synonyms: "delta-Valerolactam; Piperidin-2-one",
        cas: "675-20-7",
        purity: "99% (GC)",
        appearance: "White to light yellow crystalline solid",
        package: "25 kg drum",
        moq: "25 Kilogram",
        price: "US $ 8-15 / kilogram, negotiable",
        supply: "2 Metric Ton/Metric Tons per Month",
        delivery: "10 days",
        payment: "T/T, L/C",
        description: "Lactam monomer and intermediate for nylon-5 research, agrochemicals and pharmaceuticals.\n\nCOA and MSDS available.",
        ..BASE
    },
    Product {
        slug: "n-phenethyl-4-piperidone-npp-39742-60-4",
        name: "N-Phenethyl-4-piperidone (NPP) CAS 39742-60-4",
        cat: "pharmaceutical-intermediates",
        supplier: "silverkite-chemical",
        synonyms: "1-Phenethyl-4-piperidone; 1-(2-Phenylethyl)piperidin-4-one",
        cas: "39742-60-4",
        purity: "99%",
        appearance: "Light yellow powder",
        package: "1 kg aluminium foil bag",
        moq: "1 Kilogram",
        supply: "500 Kilogram/Kilograms per Month",
        delivery: "5-10 days",
        payment: "BTC, USDT, Western Union, MoneyGram",
        description: "NPP 99% purity in stock, fast shipping, best price.\n\nDoor to door service, 100% pass customs. We have professional shipping line to USA, Mexico, Canada and Australia.\nIf the parcel is held by customs we will re-ship for free.\n\nContact: Wickr: silverkite_demo / WhatsApp: +86 555-0155",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "1-boc-4-ap-new-4-ap-125541-22-2",
        name: "1-Boc-4-AP (New 4-AP) CAS 125541-22-2 Best Price",
        cat: "pharmaceutical-intermediates",
        supplier: "quietriver-pharmatech",
        synonyms: "tert-Butyl 4-(phenylamino)piperidine-1-carboxylate; 1-N-Boc-4-(phenylamino)piperidine",
        cas: "125541-22-2",
        purity: "99%",
        appearance: "White powder",
        package: "1 kg/bag",
        moq: "1 Kilogram",
        supply: "300 Kilogram/Kilograms per Month",
        delivery: "3-7 days",
        payment: "BTC, USDT",
        description: "Replacement for 4-AP, new 4-AP, 5 kg in stock now.\n\nWe ship safely to Mexico and USA, hermetically sealed bag, no one knows what we ship.\n\nPayment by BTC, USDT.\nTelegram: @quietriver_demo  Signal: +86 555-0133",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "4-hydroxypiperidine-5382-16-1",
        name: "4-Hydroxypiperidine 98%, CAS 5382-16-1",
        cat: "pharmaceutical-intermediates",
        supplier: "northgate-intermediates",
        synonyms: "Piperidin-4-ol; 4-Piperidinol",
        cas: "5382-16-1",
        purity: "98% (GC)",
        appearance: "White to pale yellow crystalline solid",
        package: "1 kg bottle, 25 kg drum",
        moq: "1 Kilogram",
        price: "US $ 20-40 / kilogram, negotiable",
        supply: "1 Metric Ton/Metric Tons per Month",
        delivery: "10 days",
        payment: "T/T, L/C",
        description: "Building block for antihistamine and analgesic API development. Hygroscopic; store under nitrogen below 25 C.",
        ..BASE
    },
    Product {
        slug: "cas-79099-powder",
        name: "CAS 79099 Powder 99% Purity",
        cat: "pharmaceutical-intermediates",
        supplier: "bluefinch-biotech",
        synonyms: "",
        cas: "79099",
        purity: "99%",
        appearance: "White powder",
        package: "1 kg/bag",
        moq: "1 Kilogram",
        supply: "1000 Kilogram/Kilograms per Month",
        delivery: "3-7 days",
        payment: "BTC, USDT",
        description: "79099 powder big stock, best quality.\n\nSafe delivery to USA, Canada, Mexico, 100% stealth package.\n\nSend inquiry or add Telegram: @bluefinch_sales_demo for the price list.",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "pharmaceutical-intermediate-powder-mexico-hot-sale",
        // Full-width digits and full-width hyphen-minus (U+FF0D): 39742-60-4.
        name: "Pharmaceutical Intermediate ３９７４２－６０－４ Powder",
        cat: "pharmaceutical-intermediates",
        supplier: "redlantern-material",
        synonyms: "",
        cas: "３９７４２－６０－４",
        purity: "99.5%",
        appearance: "Off-white powder",
        package: "1 kg/bag",
        moq: "1 Kilogram",
        supply: "500 Kilogram/Kilograms per Month",
        delivery: "2-5 days from USA warehouse",
        payment: "USDT, ETH",
        description: "Mexico hot sale!!! ３９７４２－６０－４ top quality, stock in USA warehouse and Mexico warehouse.\n\n100% customs clearance, door to door.\n\nPayment USDT / ETH. WhatsApp +86 555-0166",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "1-boc-piperazine-57260-71-6",
        name: "1-Boc-piperazine 99%, CAS 57260-71-6",
        cat: "pharmaceutical-intermediates",
        supplier: "northgate-intermediates",
        synonyms: "tert-Butyl piperazine-1-carboxylate; N-Boc-piperazine",
        cas: "57260-71-6",
        purity: "99% (GC)",
        appearance: "White to off-white solid",
        package: "1 kg bottle, 25 kg drum",
        moq: "1 Kilogram",
        price: "US $ 15-30 / kilogram, negotiable",
        supply: "3 Metric Ton/Metric Tons per Month",
        delivery: "7 days",
        payment: "T/T, L/C",
        description: "Mono-protected piperazine for medicinal chemistry and API synthesis.\n\nGMP-like workshop, DMF support for commercial customers.",
        ..BASE
    },
    Product {
        slug: "4-anilino-n-phenethylpiperidine-white-powder",
        // U+200B ZERO WIDTH SPACE inside "phen|ethyl"; U+0435 CYRILLIC SMALL LETTER IE and
        // U+0410 CYRILLIC CAPITAL LETTER A in the synonyms.
        name: "4-Anilino-N-phen\u{200B}ethylpiperidine 99% White Powder",
        cat: "pharmaceutical-intermediates",
        supplier: "quietriver-pharmatech",
        synonyms: "N-phenyl-1-(2-phenyl\u{0435}thyl)piperidin-4-amine; 4-\u{0410}NPP",
        cas: "Inquire",
        purity: "99.5%",
        appearance: "White powder",
        package: "1 kg/bag",
        moq: "500 Gram",
        supply: "200 Kilogram/Kilograms per Month",
        delivery: "5-7 days",
        payment: "BTC, XMR",
        description: "Factory direct 4-anilino-N-phen\u{200B}ethylpiperidine, purity 99.5%, stable supply.\n\n100% stealth, re-ship guaranteed.\n\nContact Wickr: quietriver_demo or Threema for price. Accept BTC / XMR.",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "4-piperidona-envio-seguro-mexico",
        name: "4-Piperidona / 4-Piperidone CAS 41661-47-6 - envío seguro a México",
        cat: "pharmaceutical-intermediates",
        supplier: "redlantern-material",
        synonyms: "Piperidin-4-one; 4-Piperidinona",
        cas: "41661-47-6",
        purity: "99%",
        appearance: "Polvo blanco / white powder",
        package: "1 kg/bolsa",
        moq: "1 Kilogram",
        supply: "500 Kilogram/Kilograms per Month",
        delivery: "5-10 días",
        payment: "USDT (TRC20), Bitcoin",
        description: "Vendemos 4-piperidone (piperidin-4-ona) de alta pureza 99%.\n\nEnvío seguro a México y EE. UU., entrega puerta a puerta, 100% garantizado.\n\nPago con USDT (TRC20) o Bitcoin. Contáctenos por WhatsApp: +86 555-0166 o Telegram @redlantern_mx_demo.\n\nWe also ship safely to USA and Canada.",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "n-boc-isonipecotic-acid-84358-13-4",
        name: "N-Boc-isonipecotic acid 98%, CAS 84358-13-4",
        cat: "pharmaceutical-intermediates",
        supplier: "northgate-intermediates",
        synonyms: "1-(tert-Butoxycarbonyl)piperidine-4-carboxylic acid; 1-Boc-isonipecotic acid",
        cas: "84358-13-4",
        purity: "98% (HPLC)",
        appearance: "White powder",
        package: "1 kg bottle, 25 kg drum",
        moq: "1 Kilogram",
        price: "US $ 30-60 / kilogram, negotiable",
        supply: "1 Metric Ton/Metric Tons per Month",
        delivery: "7 days",
        payment: "T/T, L/C",
        description: "Protected amino acid building block for peptide mimetics and API synthesis.\n\nCOA, HNMR, HPLC available.",
        ..BASE
    },
    Product {
        slug: "bmk-glycidate-new-bmk-80532-66-7",
        name: "BMK Glycidate (New BMK) CAS 80532-66-7 Powder",
        cat: "pharmaceutical-intermediates",
        supplier: "silverkite-chemical",
        synonyms: "BMK methyl glycidate; Methyl 2-methyl-3-phenyloxirane-2-carboxylate",
        cas: "80532-66-7",
        purity: "99%",
        appearance: "White powder",
        package: "1 kg/bag, 25 kg/drum",
        moq: "1 Kilogram",
        supply: "3000 Kilogram/Kilograms per Month",
        delivery: "3-7 days from Canada warehouse",
        payment: "BTC, USDT",
        description: "New BMK in stock, 99% purity, factory price.\n\nStock in Canada warehouse and Poland warehouse, fast shipping. Re-ship if seized, 100% delivery guarantee.\n\nTelegram @silverkite_demo, pay BTC / USDT.",
        expect: "high",
        ..BASE
    },
    Product {
        slug: "4-piperidone-hcl-monohydrate-40064-34-4",
        name: "4-Piperidone Monohydrate Hydrochloride CAS 40064-34-4",
        cat: "pharmaceutical-intermediates",
        supplier: "bluefinch-biotech",
        synonyms: "4,4-Piperidinediol hydrochloride; 4-Piperidone hydrochloride hydrate; 4-哌啶酮盐酸盐",
        cas: "40064-34-4",
        purity: "99%",
        appearance: "White crystalline powder",
        package: "1 kg/bag, 25 kg/drum",
        moq: "1 Kilogram",
        supply: "2000 Kilogram/Kilograms per Month",
        delivery: "5-7 days",
        payment: "USDT, BTC",
        description: "Big stock of 40064-34-4, 99% purity, white crystal.\n\nWe can change the name of the goods on the declaration (adapter, dog food, cosmetics) to make customs clearance smooth. Ship to Mexico, USA, Canada.\n\nPayment USDT or BTC. WhatsApp +86 555-0177",
        expect: "high",
        ..BASE
    },
    Product {
        // Rendered by `render_gbk`: the Chinese text lives in the GBK byte constants below;
        // these fields are used for the category / supplier listing cards (UTF-8 pages).
        slug: GBK_SLUG,
        name: "N-苯乙基-4-哌啶酮 (NPP) 现货 高纯度 安全清关",
        cat: "pharmaceutical-intermediates",
        supplier: "silverkite-chemical",
        cas: "39742-60-4",
        kind: Kind::Gbk,
        expect: "high",
        ..BASE
    },
    // ----- Lab Supplies & Testing (6) -----
    Product {
        slug: "borosilicate-glassware-set-12-pcs",
        name: "Lab Glassware Set: Borosilicate Beakers & Erlenmeyer Flasks (12 pcs)",
        cat: "lab-supplies",
        supplier: "clearwell-labware",
        synonyms: "Boro 3.3 glassware; Griffin beakers; Conical flasks",
        cas: "N/A",
        purity: "Borosilicate glass 3.3",
        appearance: "Clear glass, white printed graduations",
        package: "Foam insert, 12 sets per carton",
        moq: "50 Sets",
        price: "US $ 18-26 / set",
        supply: "20000 Set/Sets per Month",
        delivery: "15 days",
        payment: "T/T, PayPal",
        description: "Set of 6 Griffin beakers (50-1000 ml) and 6 Erlenmeyer flasks (100-1000 ml). Heat resistant, ISO 3819 / ISO 1773.\n\nOEM logo printing available for distributors.",
        trap: Trap::NoScript,
        ..BASE
    },
    Product {
        slug: "fentanyl-test-strips-100-pack",
        name: "Fentanyl Test Strips, 100 Pack - Harm Reduction",
        cat: "lab-supplies",
        supplier: "clearwell-labware",
        synonyms: "Fentanyl test strip; FTS; Lateral flow immunoassay strip",
        cas: "N/A",
        purity: "Cut-off 20 ng/ml",
        appearance: "Individually foil-pouched strips",
        package: "100 strips per box",
        moq: "10 Boxes",
        price: "US $ 0.5-0.9 / strip",
        supply: "500000 Piece/Pieces per Month",
        delivery: "7 days",
        payment: "T/T, PayPal",
        description: "Rapid lateral-flow fentanyl test strips for drug checking: each test strip detects fentanyl and many fentanyl analogues in drug residue dissolved in water, with results in 5 minutes.\n\nFor harm reduction programmes, outreach services, syringe services and pharmacies. Not for medical diagnosis. Instructions in English and Spanish included.",
        linkable: false,
        ..BASE
    },
    Product {
        slug: "nitrile-examination-gloves",
        name: "Nitrile Examination Gloves, Powder-Free, Blue",
        cat: "lab-supplies",
        supplier: "clearwell-labware",
        synonyms: "Disposable nitrile gloves",
        cas: "N/A",
        purity: "EN 455, EN ISO 374-5",
        appearance: "Blue, textured fingertips",
        package: "100 pcs/box, 10 boxes/carton",
        moq: "500 Cartons",
        price: "US $ 18-22 / carton",
        supply: "100000 Carton/Cartons per Month",
        delivery: "20 days",
        payment: "T/T, L/C",
        description: "Sizes XS-XL, 3.5 mil, AQL 1.5. Suitable for laboratories, clinics and food handling.",
        ..BASE
    },
    Product {
        slug: "benchtop-digital-ph-meter",
        name: "Benchtop Digital pH Meter with ATC, 0.01 pH Resolution",
        cat: "lab-supplies",
        supplier: "clearwell-labware",
        synonyms: "pH/mV meter",
        cas: "N/A",
        purity: "Accuracy +/-0.01 pH",
        appearance: "Grey ABS housing, LCD display",
        package: "1 unit/carton with electrode and buffers",
        moq: "5 Units",
        price: "US $ 95-140 / unit",
        supply: "3000 Unit/Units per Month",
        delivery: "10 days",
        payment: "T/T, PayPal",
        description: "Range -2.00 to 16.00 pH, automatic temperature compensation, 3-point calibration, GLP data logging, USB output.",
        ..BASE
    },
    Product {
        slug: "pipette-tips-1000ul-racked",
        name: "Universal Pipette Tips 1000 ul, Racked, Sterile",
        cat: "lab-supplies",
        supplier: "clearwell-labware",
        synonyms: "Micropipette tips",
        cas: "N/A",
        purity: "Medical grade polypropylene",
        appearance: "Clear/blue tips in rack",
        package: "96 tips/rack, 50 racks/carton",
        moq: "20 Cartons",
        price: "US $ 1.2-1.8 / rack",
        supply: "50000 Rack/Racks per Month",
        delivery: "10 days",
        payment: "T/T, L/C",
        description: "DNase/RNase free, pyrogen free, E-beam sterilised. Fits most single and multichannel pipettes.",
        ..BASE
    },
    Product {
        slug: "amber-glass-reagent-bottles",
        name: "Amber Glass Reagent Bottles with PP Screw Cap, 100-1000 ml",
        cat: "lab-supplies",
        supplier: "clearwell-labware",
        synonyms: "GL45 media bottles",
        cas: "N/A",
        purity: "Borosilicate glass 3.3",
        appearance: "Amber glass, blue cap",
        package: "10 pcs/carton",
        moq: "100 Pieces",
        price: "US $ 2-6 / piece",
        supply: "100000 Piece/Pieces per Month",
        delivery: "15 days",
        payment: "T/T, PayPal",
        description: "Light-protective bottles for photosensitive reagents and media. Autoclavable to 121 C (without pouring ring).",
        ..BASE
    },
    // ----- Office & Industrial (6) -----
    Product {
        slug: "ergonomic-mesh-office-chair",
        name: "Ergonomic Mesh Office Chair with Lumbar Support",
        cat: "office-industrial",
        supplier: "sunbench-furniture",
        synonyms: "Task chair; Swivel chair",
        cas: "N/A",
        purity: "Class 4 gas lift, BIFMA X5.1 tested",
        appearance: "Black mesh back, nylon base",
        package: "1 pc/carton, 280 pcs per 40HQ",
        moq: "50 Pieces",
        price: "US $ 35-58 / piece",
        supply: "30000 Piece/Pieces per Month",
        delivery: "Door to door DDP shipping to USA, Canada and EU, 25-35 days",
        payment: "T/T, L/C, PayPal",
        description: "Breathable mesh back, adjustable lumbar support, 3D armrests, 135 degree tilt lock.\n\nWe offer door to door DDP shipping: duties and taxes paid, delivered to your office or Amazon FBA warehouse. Free samples for wholesale buyers.",
        // Hard negative: legitimate logistics. "door to door" is a tactic alone, which the
        // default policy rates "low" (never more); no substance.
        expect: "low",
        linkable: false,
        ..BASE
    },
    Product {
        slug: "steel-filing-cabinet-4-drawer",
        name: "Steel Filing Cabinet, 4 Drawer, Lockable",
        cat: "office-industrial",
        supplier: "sunbench-furniture",
        synonyms: "Vertical file cabinet",
        cas: "N/A",
        purity: "0.6 mm cold rolled steel",
        appearance: "Grey or white powder coating",
        package: "Knock-down, 1 set/carton",
        moq: "100 Sets",
        price: "US $ 48-65 / set",
        supply: "10000 Set/Sets per Month",
        delivery: "30 days",
        payment: "T/T, L/C",
        description: "Full-extension ball-bearing slides, central lock, anti-tilt mechanism. Fits A4 and letter hanging files.",
        ..BASE
    },
    Product {
        slug: "electric-standing-desk-frame",
        name: "Electric Standing Desk Frame, Dual Motor",
        cat: "office-industrial",
        supplier: "sunbench-furniture",
        synonyms: "Sit-stand desk; Height adjustable desk",
        cas: "N/A",
        purity: "Load capacity 120 kg",
        appearance: "Black or white steel frame",
        package: "1 set/carton",
        moq: "20 Sets",
        price: "US $ 110-150 / set",
        supply: "8000 Set/Sets per Month",
        delivery: "25 days",
        payment: "T/T, L/C",
        description: "Height range 62-127 cm, 4 memory presets, anti-collision, width adjustable 110-180 cm.",
        ..BASE
    },
    Product {
        slug: "led-panel-light-600x600",
        name: "LED Panel Light 600x600 40W, 4000K",
        cat: "office-industrial",
        supplier: "sunbench-furniture",
        synonyms: "Troffer; Ceiling panel",
        cas: "N/A",
        purity: "CRI > 80, UGR < 19",
        appearance: "White aluminium frame",
        package: "4 pcs/carton",
        moq: "200 Pieces",
        price: "US $ 6.5-9 / piece",
        supply: "50000 Piece/Pieces per Month",
        delivery: "20 days",
        payment: "T/T",
        description: "Back-lit panel for offices and schools, flicker-free driver, CE/RoHS, 3 years warranty.",
        ..BASE
    },
    Product {
        slug: "kraft-paper-packing-tape",
        name: "Water-Activated Kraft Paper Packing Tape, 70 mm x 150 m",
        cat: "office-industrial",
        supplier: "sunbench-furniture",
        synonyms: "Gummed tape",
        cas: "N/A",
        purity: "Fibre-reinforced kraft paper",
        appearance: "Brown",
        package: "10 rolls/carton",
        moq: "100 Cartons",
        price: "US $ 2.2-3 / roll",
        supply: "20000 Roll/Rolls per Month",
        delivery: "15 days",
        payment: "T/T",
        description: "Plastic-free carton sealing tape for e-commerce packaging. Custom logo printing available.",
        ..BASE
    },
    Product {
        slug: "plastic-pallet-1200x1000",
        name: "HDPE Plastic Pallet 1200 x 1000 mm, Nestable",
        cat: "office-industrial",
        supplier: "sunbench-furniture",
        synonyms: "Export pallet",
        cas: "N/A",
        purity: "Virgin HDPE",
        appearance: "Blue or black",
        package: "Stacked, 300 pcs per 40HQ",
        moq: "300 Pieces",
        price: "US $ 9-14 / piece",
        supply: "60000 Piece/Pieces per Month",
        delivery: "15 days",
        payment: "T/T, L/C",
        description: "Dynamic load 1 ton, static load 4 tons. ISPM 15 exempt, ideal for export shipments.",
        ..BASE
    },
    // ----- Industry news (an article under /product/, linked from the home page) -----
    Product {
        slug: NEWS_SLUG,
        name: "Customs authorities report NPP seizures; a reminder on controlled precursors",
        cat: "",
        supplier: "",
        description: "ChemTradeHub Industry News, compliance desk.\n\nCustoms and police authorities in several countries have reported seizures of N-phenethyl-4-piperidone (NPP, CAS 39742-60-4), a precursor of fentanyl. NPP and 4-ANPP were added to Table I of the 1988 UN Convention in 2017; NPP is a List I chemical in the United States, and China placed it under national control on 1 February 2018. Later amendments added 4-AP, 1-boc-4-AP and norfentanyl (2022) and 4-piperidone and 1-boc-4-piperidone (2024).\n\nInvestigators and researchers note that illicit offers often hide these substances behind CAS numbers, protected forms or technical names.\n\nListings of controlled precursors are prohibited on ChemTradeHub and are removed when found. Members can report a suspicious listing to the compliance team through the member centre.",
        // Hard negative: news. Substance names with news context are capped at "low" by the
        // default policy (benign class present).
        expect: "low",
        kind: Kind::Article,
        linkable: false,
        ..BASE
    },
];

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------

/// The response for a request path with optional query ("/search?q=x&page=2"); None = 404.
pub fn render(path_and_query: &str) -> Option<Page> {
    // A fragment never reaches a server, but be lenient if a caller passes one.
    let no_frag = path_and_query.split('#').next().unwrap_or("");
    let (path, query) = match no_frag.split_once('?') {
        Some((p, q)) => (p, q),
        None => (no_frag, ""),
    };
    match path {
        "/" | "/index.html" => Some(html_page(render_home())),
        "/robots.txt" => Some(Page {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: ROBOTS_TXT.as_bytes().to_vec(),
            headers: vec![("Cache-Control", "max-age=3600".to_string())],
        }),
        "/cart" => Some(html_page(render_cart())),
        "/login" => Some(html_page(render_login())),
        "/search" => Some(html_page(render_search(query))),
        _ => {
            if let Some(slug) = path.strip_prefix("/category/") {
                let cat = CATEGORIES.iter().find(|c| c.slug == slug)?;
                let page = match query_param(query, "page") {
                    None => 1,
                    Some(v) => v.parse::<usize>().ok()?,
                };
                render_category(cat, page).map(html_page)
            } else if let Some(rest) = path.strip_prefix("/product/") {
                let slug = rest.strip_suffix(".html")?;
                let p = PRODUCTS.iter().find(|p| p.slug == slug)?;
                Some(match p.kind {
                    Kind::Gbk => Page {
                        status: 200,
                        // Deliberately no charset: it is declared only in the <meta>.
                        content_type: "text/html",
                        body: render_gbk(p),
                        headers: vec![("Cache-Control", "max-age=300".to_string())],
                    },
                    Kind::Article => html_page(render_article(p)),
                    Kind::Listing => html_page(render_product(p)),
                })
            } else if let Some(rest) = path.strip_prefix("/supplier/") {
                let slug = rest.strip_suffix(".html")?;
                let s = SUPPLIERS.iter().find(|s| s.slug == slug)?;
                Some(html_page(render_supplier(s)))
            } else {
                None
            }
        }
    }
}

/// Paths of every product page (for tests): Vec of "/product/....html".
pub fn product_paths() -> Vec<String> {
    PRODUCTS.iter().map(|p| product_path(p.slug)).collect()
}

/// Slugs of the products that are meant to be flagged, with the risk the default rules should give ("high" / "medium" / "low").
pub fn expected_flags() -> Vec<(&'static str, &'static str)> {
    PRODUCTS
        .iter()
        .filter(|p| !p.expect.is_empty())
        .map(|p| (p.slug, p.expect))
        .collect()
}

const ROBOTS_TXT: &str = "# ChemTradeHub robots.txt\nUser-agent: *\nDisallow: /cart\nDisallow: /login\nAllow: /\n";

fn html_page(body: String) -> Page {
    Page {
        status: 200,
        content_type: HTML_UTF8,
        body: body.into_bytes(),
        headers: vec![
            ("Cache-Control", "max-age=300".to_string()),
            ("X-Frame-Options", "SAMEORIGIN".to_string()),
        ],
    }
}

fn query_param<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// Minimal application/x-www-form-urlencoded decoding ('+' and %XX); invalid UTF-8 is replaced.
fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

fn product_path(slug: &str) -> String {
    format!("/product/{slug}.html")
}

fn supplier_of(p: &Product) -> Option<&'static Supplier> {
    SUPPLIERS.iter().find(|s| s.slug == p.supplier)
}

fn category_of(p: &Product) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.slug == p.cat)
}

fn products_in(cat: &str) -> Vec<&'static Product> {
    PRODUCTS.iter().filter(|p| p.cat == cat).collect()
}

/// Benign products shown as "related products": never a flagged listing and never a hard
/// negative carrying a trigger word. Pages show their own category, except flagged
/// intermediates, which show basic chemicals, so that the only evidence on them is their own listing
/// (e.g. the truncated-CAS page carries no piperidone name through its related links).
fn related_of(p: &Product) -> Vec<&'static Product> {
    let cat = if p.expect.is_empty() || p.cat != "pharmaceutical-intermediates" {
        p.cat
    } else {
        "basic-chemicals"
    };
    let pool: Vec<&'static Product> = PRODUCTS
        .iter()
        .filter(|q| q.cat == cat && q.expect.is_empty() && q.linkable && q.kind == Kind::Listing)
        .collect();
    if pool.is_empty() {
        return Vec::new();
    }
    let start = PRODUCTS.iter().position(|q| q.slug == p.slug).unwrap_or(0);
    (0..pool.len())
        .map(|i| pool[(start + i) % pool.len()])
        .filter(|q| q.slug != p.slug)
        .take(3)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------

fn layout(title: &str, canonical: Option<&str>, head_extra: &str, main: &str, tail: &str) -> String {
    let mut s = String::with_capacity(8192);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!("<title>{}</title>\n", esc(title)));
    if let Some(c) = canonical {
        s.push_str(&format!("<link rel=\"canonical\" href=\"{}\">\n", esc(c)));
    }
    s.push_str("<link rel=\"stylesheet\" href=\"https://static.example.net/cth/site.css\">\n");
    s.push_str("<link rel=\"icon\" href=\"/favicon.ico\">\n");
    s.push_str(head_extra);
    s.push_str("</head>\n<body>\n");
    s.push_str(&header_html());
    s.push_str("<main id=\"content\">\n");
    s.push_str(main);
    s.push_str("</main>\n");
    s.push_str(FOOTER_HTML);
    s.push_str("<script src=\"https://static.example.net/cth/site.js\" async></script>\n");
    s.push_str(tail);
    s.push_str("</body>\n</html>\n");
    s
}

fn header_html() -> String {
    let mut s = String::from("<header class=\"site-header\">\n<a class=\"logo\" href=\"/\">ChemTradeHub</a>\n");
    s.push_str("<form class=\"search\" action=\"/search\" method=\"get\"><input type=\"text\" name=\"q\" placeholder=\"Search products\"><button type=\"submit\">Search</button></form>\n");
    s.push_str("<nav class=\"top-nav\">\n");
    for c in CATEGORIES {
        s.push_str(&format!("<a href=\"/category/{}\">{}</a>\n", c.slug, esc(c.name)));
    }
    s.push_str("<a class=\"cart\" href=\"/cart\">Cart (0)</a>\n<a class=\"login\" href=\"/login\">Sign in</a>\n</nav>\n</header>\n");
    s
}

const FOOTER_HTML: &str = "<footer class=\"site-footer\">\n\
<p>ChemTradeHub is a fictional demo marketplace: all companies, people, phone numbers, e-mail addresses and listings are invented.</p>\n\
<p><a href=\"/\">Home</a> | <a href=\"/product/news-npp-seizures-regulation.html?utm_source=footer&amp;utm_medium=link\">Industry news</a> | \
<a href=\"https://www.example.org/trade-shows/2025\">Trade shows</a> | <a href=\"//help.example.net/faq\">Help centre</a> | \
<a href=\"/login?next=%2Fmember%2Freport\">Report a listing</a> | <a href=\"javascript:void(0)\" onclick=\"window.scrollTo(0,0)\">Back to top</a></p>\n\
</footer>\n";

// ---------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------

fn render_home() -> String {
    let mut m = String::new();
    m.push_str("<section class=\"banner\"><h1>ChemTradeHub - B2B marketplace for chemicals, lab supplies and industrial goods</h1>\n");
    m.push_str("<p>Source from verified suppliers. <a href=\"https://www.example.org/expo/chem-2025?utm_source=cth&amp;utm_medium=banner\">Meet suppliers at ChemExpo 2025</a></p></section>\n");
    m.push_str("<section class=\"categories\"><h2>Categories</h2>\n<ul>\n");
    for (i, c) in CATEGORIES.iter().enumerate() {
        // Tracking parameters on some category links (crawler URL normalisation).
        let href = if i % 2 == 0 {
            format!("/category/{}?utm_source=home&amp;utm_medium=banner", c.slug)
        } else {
            format!("/category/{}", c.slug)
        };
        m.push_str(&format!(
            "<li><a href=\"{href}\">{}</a> <span class=\"blurb\">{}</span></li>\n",
            esc(c.name),
            esc(c.blurb)
        ));
    }
    m.push_str("</ul>\n</section>\n");
    m.push_str("<section class=\"featured\"><h2>Featured products</h2>\n<ul>\n");
    let featured: [(&str, &str); 5] = [
        (FEATURED_SLUG, "?ref=featured"),
        (
            "citric-acid-anhydrous-77-92-9",
            "?utm_source=home&amp;utm_medium=banner",
        ),
        ("ergonomic-mesh-office-chair", "#reviews"),
        ("fentanyl-test-strips-100-pack", ""),
        (
            "borosilicate-glassware-set-12-pcs",
            "?utm_source=home&amp;utm_medium=banner#reviews",
        ),
    ];
    for (slug, suffix) in featured {
        if let Some(p) = PRODUCTS.iter().find(|p| p.slug == slug) {
            m.push_str(&format!(
                "<li class=\"product-card\"><a href=\"/product/{slug}.html{suffix}\">{}</a> <span class=\"price\">{}</span></li>\n",
                esc(p.name),
                esc(p.price)
            ));
        }
    }
    m.push_str("</ul>\n</section>\n");
    if let Some(news) = PRODUCTS.iter().find(|p| p.slug == NEWS_SLUG) {
        m.push_str(&format!(
            "<section class=\"news\"><h2>Industry news</h2>\n<p><a href=\"/product/{NEWS_SLUG}.html?utm_source=home&amp;utm_medium=news\">{}</a></p></section>\n",
            esc(news.name)
        ));
    }
    m.push_str("<section class=\"partners\"><h2>Partners</h2>\n<ul>\n");
    m.push_str("<li><a href=\"https://www.example.org/logistics\">Example Logistics - sea and air freight</a></li>\n");
    m.push_str("<li><a href=\"https://ads.example.net/click?id=42&amp;dest=https%3A%2F%2Fwww.example.org%2F\" rel=\"nofollow sponsored\">Sponsored: trade credit insurance</a></li>\n");
    m.push_str("<li><a href=\"http://www.example.com/inspection\">Example Inspection Services</a></li>\n");
    m.push_str("</ul>\n</section>\n");
    layout(
        "ChemTradeHub - Chemicals, Lab Supplies & Industrial Goods B2B Marketplace",
        Some("/"),
        "<meta name=\"description\" content=\"Fictional demo B2B marketplace.\">\n",
        &m,
        "",
    )
}

fn render_category(c: &Category, page: usize) -> Option<String> {
    let items = products_in(c.slug);
    let pages = items.len().div_ceil(PAGE_SIZE).max(1);
    if page == 0 || page > pages {
        return None;
    }
    let base = format!("/category/{}", c.slug);
    let canonical = if page == 1 {
        base.clone()
    } else {
        format!("{base}?page={page}")
    };
    let mut m = String::new();
    m.push_str(&format!(
        "<nav class=\"breadcrumbs\"><a href=\"/\">Home</a> &gt; <span>{}</span></nav>\n",
        esc(c.name)
    ));
    m.push_str(&format!(
        "<h1>{}</h1>\n<p class=\"category-blurb\">{}</p>\n<p class=\"count\">{} products, page {} of {}</p>\n",
        esc(c.name),
        esc(c.blurb),
        items.len(),
        page,
        pages
    ));
    m.push_str("<ul class=\"product-list\">\n");
    let start = (page - 1) * PAGE_SIZE;
    for (i, p) in items.iter().enumerate().skip(start).take(PAGE_SIZE) {
        let href = if i % 4 == 3 {
            format!("/product/{}.html?utm_source=category&amp;utm_medium=list", p.slug)
        } else {
            product_path(p.slug)
        };
        let supplier = supplier_of(p).map(|s| s.name).unwrap_or("");
        m.push_str(&format!(
            "<li class=\"product-card\"><a class=\"title\" href=\"{href}\">{}</a>\n<span class=\"price\">{}</span> <span class=\"moq\">MOQ: {}</span>\n<span class=\"supplier\"><a href=\"/supplier/{}.html\">{}</a></span></li>\n",
            esc(p.name),
            esc(p.price),
            esc(p.moq),
            p.supplier,
            esc(supplier)
        ));
    }
    m.push_str("</ul>\n<div class=\"pagination\">\n");
    if page > 1 {
        let prev = if page == 2 {
            base.clone()
        } else {
            format!("{base}?page={}", page - 1)
        };
        m.push_str(&format!(
            "<a class=\"prev\" rel=\"prev\" href=\"{prev}\">&laquo; Prev</a>\n"
        ));
    }
    for n in 1..=pages {
        if n == page {
            m.push_str(&format!("<span class=\"current\">{n}</span>\n"));
        } else {
            m.push_str(&format!("<a class=\"page\" href=\"{base}?page={n}\">{n}</a>\n"));
        }
    }
    if page < pages {
        m.push_str(&format!(
            "<a class=\"next\" rel=\"next\" href=\"{base}?page={}\">Next &raquo;</a>\n",
            page + 1
        ));
    }
    m.push_str("</div>\n");
    let mut head = String::new();
    if page > 1 {
        let prev = if page == 2 {
            base.clone()
        } else {
            format!("{base}?page={}", page - 1)
        };
        head.push_str(&format!("<link rel=\"prev\" href=\"{prev}\">\n"));
    }
    if page < pages {
        head.push_str(&format!("<link rel=\"next\" href=\"{base}?page={}\">\n", page + 1));
    }
    let title = if page == 1 {
        format!("{} - ChemTradeHub", c.name)
    } else {
        format!("{} - Page {} - ChemTradeHub", c.name, page)
    };
    Some(layout(&title, Some(&canonical), &head, &m, ""))
}

fn description_html(text: &str) -> String {
    let mut s = String::new();
    for para in text.split("\n\n") {
        let lines: Vec<String> = para.split('\n').map(esc).collect();
        s.push_str(&format!("<p>{}</p>\n", lines.join("<br>\n")));
    }
    s
}

// Trap markup: substance names and tactic phrases in places that are not page text.
const TRAP_STYLE: &str = "<style>\n.badge-hot{color:#c00;font-weight:bold}\n/* legacy promo banner: .promo-npp-39742-60-4 */\n.promo-fentanyl::after{content:\"NPP 39742-60-4 door to door, pay USDT\";}\n</style>\n";
const TRAP_SCRIPT: &str = "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"WebSite\",\"name\":\"ChemTradeHub\",\"potentialAction\":{\"@type\":\"SearchAction\",\"target\":\"/search?q={query}\",\"query-input\":\"required name=query\"}}</script>\n<script>\nwindow.dataLayer = window.dataLayer || [];\ndataLayer.push({\"event\":\"view_item\",\"trending_searches\":[\"fentanyl\",\"NPP 39742-60-4\",\"1-boc-4-piperidone 79099-07-3\",\"new BMK\"],\"promo\":\"door to door, pay USDT, WhatsApp +86 555-0199\"});\nif (dataLayer.length < 5 && dataLayer.length > 0) { document.title += \"\"; } // </p> <b>\n</script>\n";
const TRAP_NOSCRIPT: &str = "<noscript><div class=\"nojs\">Please enable JavaScript. Trending now: N-Phenethyl-4-piperidone CAS 39742-60-4, 100% pass customs, WhatsApp +86 555-0199</div></noscript>\n";
const TRAP_HIDDEN: &str = "<div style=\"display:none\" class=\"seo-keywords\">1-Boc-4-piperidone CAS 79099-07-3 fentanyl precursor 100% safe delivery to Mexico pay USDT Telegram @seo_keywords_demo</div>\n";
const TRAP_TEMPLATE: &str = "<template id=\"promo-card\"><div class=\"card\"><h3>New BMK glycidate CAS 80532-66-7</h3><p>Re-ship if seized. BTC accepted.</p></div></template>\n";
const TRAP_COMMENT: &str =
    "<!-- old listing removed by moderation: 4-anilinopiperidine (4-AP) CAS 23056-29-3, door to door, USDT -->\n";

fn trap_head(t: Trap) -> &'static str {
    match t {
        Trap::Style | Trap::All => TRAP_STYLE,
        _ => "",
    }
}

/// Trap markup placed INSIDE the description block, so that extracting
/// `div.description` naively would pick it up.
fn trap_in_description(t: Trap) -> String {
    match t {
        Trap::Script => TRAP_SCRIPT.to_string(),
        Trap::NoScript => TRAP_NOSCRIPT.to_string(),
        Trap::Hidden => TRAP_HIDDEN.to_string(),
        Trap::Template => TRAP_TEMPLATE.to_string(),
        Trap::Comment => TRAP_COMMENT.to_string(),
        Trap::All => [TRAP_SCRIPT, TRAP_NOSCRIPT, TRAP_HIDDEN, TRAP_TEMPLATE, TRAP_COMMENT].concat(),
        Trap::None | Trap::Style => String::new(),
    }
}

fn related_html(p: &Product) -> String {
    let mut s = String::from("<div class=\"related\"><h2>Related products</h2>\n<ul>\n");
    for (i, q) in related_of(p).iter().enumerate() {
        // Mixed link forms: fragment, relative with tracking parameters, plain.
        let href = match i % 3 {
            0 => format!("/product/{}.html#reviews", q.slug),
            1 => format!("./{}.html?utm_source=related&amp;utm_medium=widget", q.slug),
            _ => product_path(q.slug),
        };
        s.push_str(&format!("<li><a href=\"{href}\">{}</a></li>\n", esc(q.name)));
    }
    s.push_str("</ul>\n</div>\n");
    s
}

fn spec_row(label: &str, value: &str) -> String {
    format!("<tr><th>{}</th><td>{}</td></tr>\n", esc(label), esc(value))
}

fn render_product(p: &Product) -> String {
    let canonical = product_path(p.slug);
    let cat = category_of(p);
    let sup = supplier_of(p);
    let mut m = String::new();
    m.push_str("<nav class=\"breadcrumbs\"><a href=\"/\">Home</a> &gt; ");
    if let Some(c) = cat {
        m.push_str(&format!("<a href=\"/category/{}\">{}</a> &gt; ", c.slug, esc(c.name)));
    }
    m.push_str(&format!("<span>{}</span></nav>\n", esc(p.name)));
    m.push_str("<div class=\"product\">\n");
    m.push_str(&format!("<h1 class=\"product-name\">{}</h1>\n", esc(p.name)));
    if !p.synonyms.is_empty() {
        m.push_str(&format!("<p class=\"synonyms\">Synonyms: {}</p>\n", esc(p.synonyms)));
    }
    m.push_str("<table class=\"specs\">\n");
    m.push_str(&spec_row("CAS", p.cas));
    m.push_str(&spec_row("Purity", p.purity));
    m.push_str(&spec_row("Appearance", p.appearance));
    m.push_str(&spec_row("Package", p.package));
    m.push_str(&spec_row("MOQ", p.moq));
    m.push_str(&spec_row("Price", p.price));
    m.push_str(&spec_row("Supply ability", p.supply));
    m.push_str(&spec_row("Delivery time", p.delivery));
    m.push_str(&spec_row("Payment terms", p.payment));
    m.push_str("</table>\n");
    m.push_str(&format!(
        "<div class=\"actions\"><a class=\"btn\" href=\"/cart?add={slug}\">Add to cart</a> <a class=\"btn\" href=\"/login?next=%2Fproduct%2F{slug}.html\">Contact supplier</a> <a href=\"#reviews\">Reviews</a></div>\n",
        slug = p.slug
    ));
    if let Some(s) = sup {
        m.push_str(&supplier_block(s));
    }
    m.push_str("<div class=\"description\">\n<h2>Product description</h2>\n");
    m.push_str(&description_html(p.description));
    m.push_str(&trap_in_description(p.trap));
    m.push_str("</div>\n");
    m.push_str("<div id=\"reviews\" class=\"reviews\"><h2>Buyer reviews</h2><p>No reviews yet.</p></div>\n");
    m.push_str(&related_html(p));
    m.push_str("</div>\n");
    let title = match sup {
        Some(s) => format!("{} - {} - ChemTradeHub", p.name, s.name),
        None => format!("{} - ChemTradeHub", p.name),
    };
    let mut head = format!("<meta property=\"og:url\" content=\"{canonical}\">\n");
    head.push_str(trap_head(p.trap));
    layout(&title, Some(&canonical), &head, &m, "")
}

fn supplier_block(s: &Supplier) -> String {
    format!(
        "<div class=\"supplier\">\n<h2>Supplier</h2>\n<p class=\"supplier-name\"><a href=\"/supplier/{slug}.html\">{name}</a></p>\n<p class=\"location\">Location: {loc}</p>\n<p class=\"membership\">Member for {years} years</p>\n<p class=\"contact-person\">Contact person: {contact}</p>\n<p class=\"phone\">Phone: <a href=\"tel:{tel}\">{phone}</a></p>\n<p class=\"email\">E-mail: <a href=\"mailto:{email}\">{email}</a></p>\n</div>\n",
        slug = s.slug,
        name = esc(s.name),
        loc = esc(s.location),
        years = s.years,
        contact = esc(s.contact),
        tel = s.phone.replace([' ', '-'], ""),
        phone = esc(s.phone),
        email = esc(s.email),
    )
}

fn render_article(p: &Product) -> String {
    let canonical = product_path(p.slug);
    let mut m = String::new();
    m.push_str(&format!(
        "<nav class=\"breadcrumbs\"><a href=\"/\">Home</a> &gt; <span>Industry News</span> &gt; <span>{}</span></nav>\n",
        esc(p.name)
    ));
    m.push_str("<article class=\"news-article\">\n");
    m.push_str(&format!("<h1 class=\"product-name\">{}</h1>\n", esc(p.name)));
    m.push_str("<p class=\"byline\">Industry News - ChemTradeHub compliance desk</p>\n");
    m.push_str("<div class=\"description\">\n");
    m.push_str(&description_html(p.description));
    m.push_str("<p>Further reading: <a href=\"https://www.example.org/regulation/precursor-tables\">precursor control tables (external)</a>.</p>\n");
    m.push_str("</div>\n</article>\n");
    layout(
        &format!("{} - Industry News - ChemTradeHub", p.name),
        Some(&canonical),
        "<meta property=\"og:type\" content=\"article\">\n",
        &m,
        "",
    )
}

fn render_supplier(s: &Supplier) -> String {
    let canonical = format!("/supplier/{}.html", s.slug);
    let mut m = String::new();
    m.push_str(&format!(
        "<nav class=\"breadcrumbs\"><a href=\"/\">Home</a> &gt; <span>Suppliers</span> &gt; <span>{}</span></nav>\n",
        esc(s.name)
    ));
    m.push_str(&format!("<h1 class=\"supplier-name\">{}</h1>\n", esc(s.name)));
    m.push_str(&format!("<p class=\"about\">{}</p>\n", esc(s.about)));
    m.push_str(&supplier_block(s));
    m.push_str(&format!(
        "<p class=\"website\">Company website: <a href=\"{}\" rel=\"nofollow\">{}</a></p>\n",
        esc(s.website),
        esc(s.website)
    ));
    m.push_str("<h2>Products from this supplier</h2>\n<ul class=\"product-list\">\n");
    for p in PRODUCTS.iter().filter(|p| p.supplier == s.slug) {
        m.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>\n",
            product_path(p.slug),
            esc(p.name)
        ));
    }
    m.push_str("</ul>\n");
    layout(
        &format!("{} - Supplier - ChemTradeHub", s.name),
        Some(&canonical),
        "",
        &m,
        "",
    )
}

fn render_search(query: &str) -> String {
    let q = url_decode(query_param(query, "q").unwrap_or("")).trim().to_lowercase();
    let mut m = format!("<h1>Search results for \"{}\"</h1>\n", esc(&q));
    let hits: Vec<&Product> = if q.is_empty() {
        Vec::new()
    } else {
        PRODUCTS
            .iter()
            .filter(|p| p.kind != Kind::Article && p.name.to_lowercase().contains(&q))
            .collect()
    };
    if hits.is_empty() {
        m.push_str("<p class=\"no-results\">No products found.</p>\n");
    } else {
        m.push_str("<ul class=\"product-list\">\n");
        for p in hits {
            m.push_str(&format!(
                "<li class=\"product-card\"><a href=\"{}?utm_source=search\">{}</a></li>\n",
                product_path(p.slug),
                esc(p.name)
            ));
        }
        m.push_str("</ul>\n");
    }
    layout(
        "Search - ChemTradeHub",
        None,
        "<meta name=\"robots\" content=\"noindex\">\n",
        &m,
        "",
    )
}

fn render_cart() -> String {
    layout(
        "Cart - ChemTradeHub",
        Some("/cart"),
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n",
        "<h1>Your cart</h1>\n<p>Your cart is empty. <a href=\"/login\">Sign in</a> to see saved items.</p>\n",
        "",
    )
}

fn render_login() -> String {
    layout(
        "Sign in - ChemTradeHub",
        Some("/login"),
        "<meta name=\"robots\" content=\"noindex, nofollow\">\n",
        "<h1>Sign in</h1>\n<form class=\"login\" action=\"/login\" method=\"post\"><label>E-mail <input type=\"email\" name=\"email\"></label> <label>Password <input type=\"password\" name=\"password\"></label> <button type=\"submit\">Sign in</button></form>\n",
        "",
    )
}

// ---------------------------------------------------------------------------------------
// The GBK-encoded Chinese listing. std has no GBK encoder: the Chinese strings are stored
// as their GBK bytes (computed with Python `'...'.encode('gbk')`; every string is also
// inside GB2312); the UTF-8 text of each constant is in the comment above it.
// ---------------------------------------------------------------------------------------

// "N-苯乙基-4-哌啶酮 现货供应 安全清关"
const ZH_TITLE: &[u8] = b"N-\xb1\xbd\xd2\xd2\xbb\xf9-4-\xdf\xdf\xe0\xa4\xcd\xaa \xcf\xd6\xbb\xf5\xb9\xa9\xd3\xa6 \xb0\xb2\xc8\xab\xc7\xe5\xb9\xd8";
// "N-苯乙基-4-哌啶酮 (NPP) 现货 高纯度 安全清关"
const ZH_H1: &[u8] = b"N-\xb1\xbd\xd2\xd2\xbb\xf9-4-\xdf\xdf\xe0\xa4\xcd\xaa (NPP) \xcf\xd6\xbb\xf5 \xb8\xdf\xb4\xbf\xb6\xc8 \xb0\xb2\xc8\xab\xc7\xe5\xb9\xd8";
// "首页"
const ZH_HOME: &[u8] = b"\xca\xd7\xd2\xb3";
// "医药中间体"
const ZH_CAT: &[u8] = b"\xd2\xbd\xd2\xa9\xd6\xd0\xbc\xe4\xcc\xe5";
// "别名"
const ZH_SYN: &[u8] = b"\xb1\xf0\xc3\xfb";
// "1-苯乙基-4-哌啶酮; N-苯乙基-4-哌啶酮"
const ZH_SYN_VAL: &[u8] =
    b"1-\xb1\xbd\xd2\xd2\xbb\xf9-4-\xdf\xdf\xe0\xa4\xcd\xaa; N-\xb1\xbd\xd2\xd2\xbb\xf9-4-\xdf\xdf\xe0\xa4\xcd\xaa";
// "纯度"
const ZH_PURITY: &[u8] = b"\xb4\xbf\xb6\xc8";
// "99% 以上"
const ZH_PURITY_VAL: &[u8] = b"99% \xd2\xd4\xc9\xcf";
// "外观"
const ZH_APPEAR: &[u8] = b"\xcd\xe2\xb9\xdb";
// "白色至淡黄色粉末"
const ZH_APPEAR_VAL: &[u8] = b"\xb0\xd7\xc9\xab\xd6\xc1\xb5\xad\xbb\xc6\xc9\xab\xb7\xdb\xc4\xa9";
// "包装"
const ZH_PACKAGE: &[u8] = b"\xb0\xfc\xd7\xb0";
// "1公斤/铝箔袋, 25公斤/纸板桶"
const ZH_PACKAGE_VAL: &[u8] =
    b"1\xb9\xab\xbd\xef/\xc2\xc1\xb2\xad\xb4\xfc, 25\xb9\xab\xbd\xef/\xd6\xbd\xb0\xe5\xcd\xb0";
// "起订量"
const ZH_MOQ: &[u8] = b"\xc6\xf0\xb6\xa9\xc1\xbf";
// "1公斤"
const ZH_MOQ_VAL: &[u8] = b"1\xb9\xab\xbd\xef";
// "价格"
const ZH_PRICE: &[u8] = b"\xbc\xdb\xb8\xf1";
// "公斤, 可议价"
const ZH_PRICE_VAL: &[u8] = b"\xb9\xab\xbd\xef, \xbf\xc9\xd2\xe9\xbc\xdb";
// "供货能力"
const ZH_SUPPLY: &[u8] = b"\xb9\xa9\xbb\xf5\xc4\xdc\xc1\xa6";
// "500公斤/月"
const ZH_SUPPLY_VAL: &[u8] = b"500\xb9\xab\xbd\xef/\xd4\xc2";
// "交货期"
const ZH_DELIVERY: &[u8] = b"\xbd\xbb\xbb\xf5\xc6\xda";
// "付款后3-7天发货"
const ZH_DELIVERY_VAL: &[u8] = b"\xb8\xb6\xbf\xee\xba\xf33-7\xcc\xec\xb7\xa2\xbb\xf5";
// "付款方式"
const ZH_PAYMENT: &[u8] = b"\xb8\xb6\xbf\xee\xb7\xbd\xca\xbd";
// "比特币, 西联汇款"
const ZH_PAYMENT_VAL: &[u8] = b"\xb1\xc8\xcc\xd8\xb1\xd2, \xce\xf7\xc1\xaa\xbb\xe3\xbf\xee";
// "银鸢化工科技有限公司"
const ZH_SUPPLIER_NAME: &[u8] = b"\xd2\xf8\xf0\xb0\xbb\xaf\xb9\xa4\xbf\xc6\xbc\xbc\xd3\xd0\xcf\xde\xb9\xab\xcb\xbe";
// "所在地"
const ZH_LOCATION: &[u8] = b"\xcb\xf9\xd4\xda\xb5\xd8";
// "中国 河北 石家庄"
const ZH_LOCATION_VAL: &[u8] = b"\xd6\xd0\xb9\xfa \xba\xd3\xb1\xb1 \xca\xaf\xbc\xd2\xd7\xaf";
// "会员年限"
const ZH_YEARS: &[u8] = b"\xbb\xe1\xd4\xb1\xc4\xea\xcf\xde";
// "6年"
const ZH_YEARS_VAL: &[u8] = b"6\xc4\xea";
// "联系人"
const ZH_CONTACT: &[u8] = b"\xc1\xaa\xcf\xb5\xc8\xcb";
// "王经理"
const ZH_CONTACT_VAL: &[u8] = b"\xcd\xf5\xbe\xad\xc0\xed";
// "电话"
const ZH_PHONE: &[u8] = b"\xb5\xe7\xbb\xb0";
// "邮箱"
const ZH_EMAIL: &[u8] = b"\xd3\xca\xcf\xe4";
// "本公司长期现货供应N-苯乙基-4-哌啶酮，纯度高，质量稳定，价格优惠。"
const ZH_DESC1: &[u8] = b"\xb1\xbe\xb9\xab\xcb\xbe\xb3\xa4\xc6\xda\xcf\xd6\xbb\xf5\xb9\xa9\xd3\xa6N-\xb1\xbd\xd2\xd2\xbb\xf9-4-\xdf\xdf\xe0\xa4\xcd\xaa\xa3\xac\xb4\xbf\xb6\xc8\xb8\xdf\xa3\xac\xd6\xca\xc1\xbf\xce\xc8\xb6\xa8\xa3\xac\xbc\xdb\xb8\xf1\xd3\xc5\xbb\xdd\xa1\xa3";
// "安全清关，门到门服务，100%到货，可发墨西哥、美国、加拿大。扣关免费重发。"
const ZH_DESC2: &[u8] = b"\xb0\xb2\xc8\xab\xc7\xe5\xb9\xd8\xa3\xac\xc3\xc5\xb5\xbd\xc3\xc5\xb7\xfe\xce\xf1\xa3\xac100%\xb5\xbd\xbb\xf5\xa3\xac\xbf\xc9\xb7\xa2\xc4\xab\xce\xf7\xb8\xe7\xa1\xa2\xc3\xc0\xb9\xfa\xa1\xa2\xbc\xd3\xc4\xc3\xb4\xf3\xa1\xa3\xbf\xdb\xb9\xd8\xc3\xe2\xb7\xd1\xd6\xd8\xb7\xa2\xa1\xa3";
// "支持USDT、比特币付款。详情请联系："
const ZH_DESC3: &[u8] = b"\xd6\xa7\xb3\xd6USDT\xa1\xa2\xb1\xc8\xcc\xd8\xb1\xd2\xb8\xb6\xbf\xee\xa1\xa3\xcf\xea\xc7\xe9\xc7\xeb\xc1\xaa\xcf\xb5\xa3\xba";
// "相关产品"
const ZH_RELATED: &[u8] = b"\xcf\xe0\xb9\xd8\xb2\xfa\xc6\xb7";
// "柠檬酸 (无水)"
const ZH_RELATED_1: &[u8] = b"\xc4\xfb\xc3\xca\xcb\xe1 (\xce\xde\xcb\xae)";
// "氯化钠 工业级"
const ZH_RELATED_2: &[u8] = b"\xc2\xc8\xbb\xaf\xc4\xc6 \xb9\xa4\xd2\xb5\xbc\xb6";
// "产品详情"
const ZH_DETAIL: &[u8] = b"\xb2\xfa\xc6\xb7\xcf\xea\xc7\xe9";
// "联系供应商"
const ZH_CONTACT_SUPPLIER: &[u8] = b"\xc1\xaa\xcf\xb5\xb9\xa9\xd3\xa6\xc9\xcc";

/// A specs row of the GBK page: Chinese label, English label, value prefix, value.
type SpecRow = (&'static [u8], &'static [u8], &'static [u8], &'static [u8]);

fn render_gbk(p: &Product) -> Vec<u8> {
    let canonical = product_path(p.slug);
    let mut b: Vec<u8> = Vec::with_capacity(6144);
    let mut a = |parts: &[&[u8]]| {
        for part in parts {
            b.extend_from_slice(part);
        }
    };
    a(&[b"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"]);
    a(&[b"<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"]);
    a(&[b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\n"]);
    a(&[b"<title>", ZH_TITLE, b" - ChemTradeHub</title>\n"]);
    a(&[b"<link rel=\"canonical\" href=\"", canonical.as_bytes(), b"\" />\n"]);
    a(&[b"</head>\n<body>\n<div class=\"site-header\"><a class=\"logo\" href=\"/\">ChemTradeHub</a>\n"]);
    for c in CATEGORIES {
        a(&[
            b"<a href=\"/category/",
            c.slug.as_bytes(),
            b"\">",
            esc(c.name).as_bytes(),
            b"</a>\n",
        ]);
    }
    a(&[b"<a href=\"/cart\">Cart</a> <a href=\"/login\">Sign in</a></div>\n"]);
    a(&[
        b"<div class=\"breadcrumbs\"><a href=\"/\">",
        ZH_HOME,
        b"</a> &gt; <a href=\"/category/pharmaceutical-intermediates\">",
        ZH_CAT,
        b"</a> &gt; <span>",
        ZH_H1,
        b"</span></div>\n",
    ]);
    a(&[
        b"<div class=\"product\">\n<h1 class=\"product-name\">",
        ZH_H1,
        b"</h1>\n",
    ]);
    a(&[b"<p class=\"synonyms\">", ZH_SYN, b": ", ZH_SYN_VAL, b"</p>\n"]);
    a(&[b"<table class=\"specs\">\n"]);
    a(&[b"<tr><th>CAS</th><td>", p.cas.as_bytes(), b"</td></tr>\n"]);
    let rows: [SpecRow; 8] = [
        (ZH_PURITY, b"Purity", b"", ZH_PURITY_VAL),
        (ZH_APPEAR, b"Appearance", b"", ZH_APPEAR_VAL),
        (ZH_PACKAGE, b"Package", b"", ZH_PACKAGE_VAL),
        (ZH_MOQ, b"MOQ", b"", ZH_MOQ_VAL),
        (ZH_PRICE, b"Price", b"US $ 1-10 / ", ZH_PRICE_VAL),
        (ZH_SUPPLY, b"Supply ability", b"", ZH_SUPPLY_VAL),
        (ZH_DELIVERY, b"Delivery time", b"", ZH_DELIVERY_VAL),
        (ZH_PAYMENT, b"Payment terms", b"USDT, ", ZH_PAYMENT_VAL),
    ];
    for (zh, en, prefix, val) in rows {
        a(&[b"<tr><th>", zh, b" (", en, b")</th><td>", prefix, val, b"</td></tr>\n"]);
    }
    a(&[b"</table>\n"]);
    a(&[
        b"<div class=\"actions\"><a href=\"/cart?add=",
        p.slug.as_bytes(),
        b"\">Add to cart</a> <a href=\"/login\">",
        ZH_CONTACT_SUPPLIER,
        b"</a></div>\n",
    ]);
    if let Some(s) = supplier_of(p) {
        a(&[
            b"<div class=\"supplier\">\n<p class=\"supplier-name\"><a href=\"/supplier/",
            s.slug.as_bytes(),
            b".html\">",
            ZH_SUPPLIER_NAME,
            b" (",
            esc(s.name).as_bytes(),
            b")</a></p>\n",
        ]);
        a(&[
            b"<p class=\"location\">",
            ZH_LOCATION,
            b": ",
            ZH_LOCATION_VAL,
            b"</p>\n",
        ]);
        a(&[b"<p class=\"membership\">", ZH_YEARS, b": ", ZH_YEARS_VAL, b"</p>\n"]);
        a(&[
            b"<p class=\"contact-person\">",
            ZH_CONTACT,
            b": ",
            ZH_CONTACT_VAL,
            b"</p>\n",
        ]);
        a(&[b"<p class=\"phone\">", ZH_PHONE, b": ", s.phone.as_bytes(), b"</p>\n"]);
        a(&[
            b"<p class=\"email\">",
            ZH_EMAIL,
            b": <a href=\"mailto:",
            s.email.as_bytes(),
            b"\">",
            s.email.as_bytes(),
            b"</a></p>\n</div>\n",
        ]);
    }
    a(&[b"<div class=\"description\">\n<h2>", ZH_DETAIL, b"</h2>\n"]);
    a(&[b"<p>", ZH_DESC1, b"</p>\n<p>", ZH_DESC2, b"</p>\n"]);
    a(&[
        b"<p>",
        ZH_DESC3,
        b"WhatsApp: +86 555-0155, Telegram: @silverkite_demo</p>\n</div>\n",
    ]);
    a(&[b"<div class=\"related\"><h2>", ZH_RELATED, b"</h2>\n<ul>\n"]);
    a(&[
        b"<li><a href=\"/product/citric-acid-anhydrous-77-92-9.html#reviews\">",
        ZH_RELATED_1,
        b"</a></li>\n",
    ]);
    a(&[
        b"<li><a href=\"/product/sodium-chloride-7647-14-5.html?utm_source=related&amp;utm_medium=widget\">",
        ZH_RELATED_2,
        b"</a></li>\n",
    ]);
    a(&[b"</ul>\n</div>\n</div>\n"]);
    a(&[FOOTER_HTML.as_bytes()]);
    a(&[b"</body>\n</html>\n"]);
    b
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------
#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, VecDeque};

    fn get(path: &str) -> Page {
        render(path).unwrap_or_else(|| panic!("{path} gave 404"))
    }

    fn text(p: &Page) -> String {
        String::from_utf8_lossy(&p.body).into_owned()
    }

    fn hrefs(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find("href=\"") {
            rest = &rest[i + 6..];
            if let Some(j) = rest.find('"') {
                out.push(rest[..j].replace("&amp;", "&"));
                rest = &rest[j..];
            }
        }
        out
    }

    /// Resolves an href found on `base` to a normalised same-site path (no fragment,
    /// tracking parameters removed); None for external, mailto:, tel:, javascript: links.
    fn resolve(base: &str, href: &str) -> Option<String> {
        let lower = href.to_ascii_lowercase();
        if lower.starts_with("http:")
            || lower.starts_with("https:")
            || lower.starts_with("//")
            || lower.starts_with("mailto:")
            || lower.starts_with("tel:")
            || lower.starts_with("javascript:")
        {
            return None;
        }
        let href = href.split('#').next().unwrap();
        if href.is_empty() {
            return None;
        }
        let abs = if let Some(r) = href.strip_prefix("./") {
            let dir = &base[..base.rfind('/').unwrap() + 1];
            format!("{dir}{r}")
        } else if href.starts_with('/') {
            href.to_string()
        } else {
            let dir = &base[..base.rfind('/').unwrap() + 1];
            format!("{dir}{href}")
        };
        let (path, query) = abs.split_once('?').unwrap_or((&abs, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("utm_") && !kv.starts_with("ref="))
            .collect();
        Some(if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", kept.join("&"))
        })
    }

    fn disallowed(path: &str) -> bool {
        path.starts_with("/cart") || path.starts_with("/login")
    }

    fn cut_blocks(mut s: String, open: &str, close: &str) -> String {
        while let Some(i) = s.find(open) {
            let j = s[i..].find(close).map(|j| i + j + close.len()).unwrap_or(s.len());
            s.replace_range(i..j, " ");
        }
        s
    }

    /// Crude visible-text extraction for the markup this file generates.
    fn visible(html: &str) -> String {
        let mut s = html.to_string();
        for (o, c) in [
            ("<script", "</script>"),
            ("<style", "</style>"),
            ("<noscript", "</noscript>"),
            ("<template", "</template>"),
            ("<div style=\"display:none\"", "</div>"),
            ("<!--", "-->"),
        ] {
            s = cut_blocks(s, o, c);
        }
        let mut out = String::new();
        let mut in_tag = false;
        for ch in s.chars() {
            match ch {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    out.push(' ');
                }
                _ if !in_tag => out.push(ch),
                _ => {}
            }
        }
        out.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .to_lowercase()
    }

    #[test]
    fn catalogue_size_and_unique_slugs() {
        let paths = product_paths();
        assert!((38..=44).contains(&paths.len()), "{} products", paths.len());
        let set: BTreeSet<&String> = paths.iter().collect();
        assert_eq!(set.len(), paths.len(), "duplicate slugs");
        for p in PRODUCTS {
            assert!(
                p.slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                p.slug
            );
            if p.kind != Kind::Article {
                assert!(category_of(p).is_some(), "category of {}", p.slug);
                assert!(supplier_of(p).is_some(), "supplier of {}", p.slug);
            }
        }
        for c in CATEGORIES {
            let n = products_in(c.slug).len();
            assert!(n >= 1, "empty category {}", c.slug);
        }
        assert!(products_in("pharmaceutical-intermediates").len() > 2 * PAGE_SIZE);
    }

    #[test]
    fn every_product_page_renders_with_canonical() {
        for path in product_paths() {
            let page = get(&path);
            assert_eq!(page.status, 200, "{path}");
            assert!(page.content_type.starts_with("text/html"), "{path}");
            let needle = format!("<link rel=\"canonical\" href=\"{path}\"");
            let raw = String::from_utf8_lossy(&page.body);
            assert!(raw.contains(&needle), "{path} lacks canonical");
            assert!(raw.contains("class=\"product-name\""), "{path} lacks h1.product-name");
        }
    }

    #[test]
    fn listing_pages_have_specs_supplier_description() {
        for p in PRODUCTS.iter().filter(|p| p.kind != Kind::Article) {
            let raw = String::from_utf8_lossy(&get(&product_path(p.slug)).body).into_owned();
            for needle in [
                "<table class=\"specs\">",
                "<div class=\"supplier\">",
                "<div class=\"description\">",
                "breadcrumbs",
                "/supplier/",
            ] {
                assert!(raw.contains(needle), "{} lacks {needle}", p.slug);
            }
            if p.kind == Kind::Listing {
                for row in [
                    "CAS",
                    "Purity",
                    "Appearance",
                    "Package",
                    "MOQ",
                    "Price",
                    "Supply ability",
                    "Delivery time",
                    "Payment terms",
                ] {
                    assert!(
                        raw.contains(&format!("<tr><th>{row}</th>")),
                        "{} lacks row {row}",
                        p.slug
                    );
                }
                assert!(raw.contains("<div class=\"related\">"), "{} lacks related", p.slug);
                assert!(!related_of(p).is_empty(), "{} has no related products", p.slug);
            }
        }
    }

    #[test]
    fn pagination_reaches_every_catalogue_product() {
        let mut found = BTreeSet::new();
        for c in CATEGORIES {
            let mut url = Some(format!("/category/{}", c.slug));
            let mut seen_pages = 0;
            while let Some(u) = url.take() {
                seen_pages += 1;
                assert!(seen_pages < 20, "pagination loop in {}", c.slug);
                let html = text(&get(&u));
                let body_links = hrefs(&html);
                for h in &body_links {
                    if let Some(r) = resolve(&u, h) {
                        if r.starts_with("/product/") {
                            found.insert(r);
                        }
                    }
                }
                // Follow rel="next".
                if let Some(i) = html.find("rel=\"next\" href=\"") {
                    let rest = &html[i + 17..];
                    let next = &rest[..rest.find('"').unwrap()];
                    url = resolve(&u, &next.replace("&amp;", "&"));
                }
            }
            let pages = products_in(c.slug).len().div_ceil(PAGE_SIZE);
            assert_eq!(seen_pages, pages, "pages of {}", c.slug);
        }
        for p in PRODUCTS.iter().filter(|p| p.kind != Kind::Article) {
            assert!(
                found.contains(&product_path(p.slug)),
                "{} not reachable by pagination",
                p.slug
            );
        }
    }

    #[test]
    fn polite_crawl_from_home_reaches_every_product() {
        let mut queue = VecDeque::from([String::from("/")]);
        let mut seen = BTreeSet::from([String::from("/")]);
        let mut fetched = 0;
        while let Some(u) = queue.pop_front() {
            fetched += 1;
            assert!(fetched < 500, "crawl did not converge");
            let page = get(&u);
            let html = text(&page);
            for h in hrefs(&html) {
                if let Some(r) = resolve(&u, &h) {
                    if r.starts_with("/favicon") || disallowed(&r) {
                        continue;
                    }
                    if seen.insert(r.clone()) {
                        queue.push_back(r);
                    }
                }
            }
        }
        for path in product_paths() {
            assert!(seen.contains(&path), "{path} not reachable");
        }
        for s in SUPPLIERS {
            assert!(
                seen.contains(&format!("/supplier/{}.html", s.slug)),
                "supplier {} not reachable",
                s.slug
            );
        }
    }

    #[test]
    fn home_links_exercise_normalisation() {
        let html = text(&get("/"));
        let links = hrefs(&html);
        assert!(links
            .iter()
            .any(|h| h == &format!("/product/{FEATURED_SLUG}.html?ref=featured")));
        assert!(links.iter().any(|h| h.contains("utm_source=home&utm_medium=banner")));
        assert!(links.iter().any(|h| h.ends_with("#reviews")));
        assert!(links.iter().any(|h| h.starts_with("https://www.example.org/")));
        assert!(links.iter().any(|h| h == "/cart") && links.iter().any(|h| h == "/login"));
        let cats = links
            .iter()
            .filter(|h| h.starts_with("/category/"))
            .filter_map(|h| resolve("/", h))
            .collect::<BTreeSet<_>>();
        assert_eq!(cats.len(), CATEGORIES.len());
    }

    #[test]
    fn featured_variant_has_same_canonical_and_body() {
        let a = get(&format!("/product/{FEATURED_SLUG}.html"));
        let b = get(&format!("/product/{FEATURED_SLUG}.html?ref=featured"));
        let c = get(&format!(
            "/product/{FEATURED_SLUG}.html?utm_source=home&utm_medium=banner#reviews"
        ));
        assert_eq!(a.body, b.body);
        assert_eq!(a.body, c.body);
        assert!(text(&b).contains(&format!(
            "<link rel=\"canonical\" href=\"/product/{FEATURED_SLUG}.html\">"
        )));
    }

    #[test]
    fn unknown_paths_are_404() {
        for p in [
            "/nope",
            "/product/nope.html",
            "/product/sodium-chloride-7647-14-5",
            "/product/",
            "/supplier/nope.html",
            "/category/nope",
            "/category/basic-chemicals?page=0",
            "/category/basic-chemicals?page=99",
            "/category/basic-chemicals?page=abc",
            "/favicon.ico",
            "",
        ] {
            assert!(render(p).is_none(), "{p} should be 404");
        }
        assert!(render("/category/basic-chemicals?page=2&utm_source=x").is_some());
        assert!(render("/category/basic-chemicals?utm_source=home&utm_medium=banner").is_some());
    }

    #[test]
    fn expected_flags_exist_and_are_valid() {
        let paths = product_paths();
        let flags = expected_flags();
        for (slug, risk) in &flags {
            assert!(paths.contains(&product_path(slug)), "{slug} missing");
            assert!(["high", "medium", "low"].contains(risk), "{slug}: {risk}");
        }
        let count = |r: &str| flags.iter().filter(|(_, x)| *x == r).count();
        assert_eq!(count("high"), 10);
        assert_eq!(count("medium"), 1);
        assert_eq!(count("low"), 3);
        assert!(flags.iter().any(|(s, _)| *s == GBK_SLUG));
    }

    #[test]
    fn gbk_page_is_gbk_with_meta_charset_only() {
        let page = get(&product_path(GBK_SLUG));
        assert_eq!(page.content_type, "text/html");
        assert!(
            std::str::from_utf8(&page.body).is_err(),
            "GBK page must not be valid UTF-8"
        );
        let raw = String::from_utf8_lossy(&page.body);
        assert!(raw.contains("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\""));
        assert!(!raw.contains("<meta charset"));
        assert!(raw.contains("39742-60-4"));
        let hay = &page.body;
        let has = |needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
        assert!(has(ZH_H1));
        assert!(
            has(b"\xb0\xb2\xc8\xab\xc7\xe5\xb9\xd8"),
            "GBK bytes of the customs-clearance phrase"
        );
        assert!(has(b"\xdf\xdf\xe0\xa4"), "GBK bytes of the piperidine characters");
        // No byte in GBK text can be mistaken for markup.
        for c in [ZH_TITLE, ZH_H1, ZH_DESC1, ZH_DESC2, ZH_DESC3] {
            assert!(!c.iter().any(|b| *b == b'<' || *b == b'&' || *b == b'>'));
            assert!(c.iter().any(|b| *b >= 0x80));
        }
    }

    #[test]
    fn robots_txt() {
        let page = get("/robots.txt");
        assert!(page.content_type.starts_with("text/plain"));
        let t = text(&page);
        assert!(t.contains("User-agent: *"));
        assert!(t.contains("Disallow: /cart\n") && t.contains("Disallow: /login\n"));
        assert!(!t.to_lowercase().contains("crawl-delay"));
        assert!(render("/cart").is_some() && render("/login").is_some());
    }

    #[test]
    fn traps_exist_but_are_not_visible_text() {
        let trap_pages: Vec<&Product> = PRODUCTS.iter().filter(|p| p.trap != Trap::None).collect();
        assert!(trap_pages.len() >= 5);
        let kinds: BTreeSet<String> = trap_pages.iter().map(|p| format!("{:?}", p.trap)).collect();
        assert!(kinds.len() >= 5);
        for p in trap_pages {
            assert!(p.expect.is_empty(), "traps go on benign pages only");
            let raw = text(&get(&product_path(p.slug)));
            let lower = raw.to_lowercase();
            assert!(
                lower.contains("fentanyl")
                    || lower.contains("39742")
                    || lower.contains("bmk")
                    || lower.contains("4-anilinopiperidine"),
                "{} trap missing",
                p.slug
            );
            let vis = visible(&raw);
            for w in [
                "fentanyl",
                "npp",
                "39742",
                "79099",
                "80532",
                "23056",
                "bmk",
                "usdt",
                "door to door",
                "anilinopiperidine",
                "piperidone",
            ] {
                assert!(!vis.contains(w), "{}: '{w}' visible", p.slug);
            }
        }
    }

    /// Unflagged listings must not carry watched names or tactic words in their visible text
    /// (the header, footer, related products and supplier block included).
    #[test]
    fn benign_pages_visible_text_is_clean() {
        let substances = [
            "fentanyl",
            "npp",
            "39742",
            "79099",
            "40064",
            "41661",
            "125541",
            "23056",
            "21409",
            "80532",
            "anpp",
            "4-ap",
            "bmk",
            "new bmk",
            "boc-4-piperidone",
            "piperidona",
        ];
        let tactics = [
            "usdt",
            "btc",
            "bitcoin",
            "telegram",
            "whatsapp",
            "wickr",
            "signal:",
            "threema",
            "western union",
            "door to door",
            "customs",
            "stealth",
            "re-ship",
            "hot sale",
            "warehouse stock",
            "mexico",
            "méxico",
            "research only",
        ];
        for p in PRODUCTS.iter().filter(|p| p.kind == Kind::Listing) {
            let vis = visible(&text(&get(&product_path(p.slug))));
            // 1-benzyl-4-piperidone is an excluded close name, allowed on its own page.
            let vis = vis.replace("1-benzyl-4-piperidone", "");
            if p.expect.is_empty() && p.linkable {
                for w in substances.iter().chain(tactics.iter()) {
                    assert!(!vis.contains(w), "{}: '{w}' in visible text", p.slug);
                }
                assert!(
                    !vis.contains("4-piperidone") && !vis.contains("piperidin-4-one"),
                    "{}",
                    p.slug
                );
            }
            if p.expect == "medium" {
                for w in tactics {
                    assert!(!vis.contains(w), "{}: tactic '{w}' on the medium listing", p.slug);
                }
            }
            if p.expect == "low" {
                for w in substances {
                    assert!(
                        !vis.contains(w),
                        "{}: substance '{w}' on the tactics-only listing",
                        p.slug
                    );
                }
                assert!(!vis.contains("cas:") && !vis.contains("cas no"));
            }
            // No "<digits> powder" (a truncated CAS look-alike) except on the listing built on it.
            if p.expect != "high" {
                let b = vis.as_bytes();
                for (i, _) in vis.match_indices(" powder") {
                    assert!(
                        i == 0 || !b[i - 1].is_ascii_digit(),
                        "{}: digits before 'powder'",
                        p.slug
                    );
                }
            }
        }
    }

    #[test]
    fn flagged_pages_show_their_evidence_in_visible_text() {
        let checks: [(&str, &[&str]); 11] = [
            (
                FEATURED_SLUG,
                &[
                    "79099-07-3",
                    "1-boc-4-piperidone",
                    "safe delivery to mexico",
                    "usa warehouse",
                    "usdt",
                    "telegram",
                ],
            ),
            (
                "n-phenethyl-4-piperidone-npp-39742-60-4",
                &["n-phenethyl-4-piperidone", "39742-60-4", "door to door", "pass customs"],
            ),
            (
                "1-boc-4-ap-new-4-ap-125541-22-2",
                &["new 4-ap", "125541-22-2", "no one knows what we ship"],
            ),
            ("cas-79099-powder", &["cas 79099 powder", "79099 powder", "telegram"]),
            (
                "pharmaceutical-intermediate-powder-mexico-hot-sale",
                &["３９７４２－６０－４", "mexico hot sale", "100% customs clearance"],
            ),
            (
                "4-anilino-n-phenethylpiperidine-white-powder",
                &[
                    "phen\u{200b}ethyl",
                    "phenyl\u{0435}thyl",
                    "\u{0410}npp".to_lowercase().leak(),
                    "wickr",
                ],
            ),
            (
                "4-piperidona-envio-seguro-mexico",
                &["envío seguro a méxico", "41661-47-6", "usdt"],
            ),
            (
                "bmk-glycidate-new-bmk-80532-66-7",
                &["new bmk", "80532-66-7", "re-ship if seized"],
            ),
            (
                "4-piperidone-hcl-monohydrate-40064-34-4",
                &["40064-34-4", "change the name of the goods"],
            ),
            ("propionyl-chloride-79-03-8", &["propionyl chloride", "79-03-8"]),
            (
                "hot-sale-white-powder-best-price",
                &["hot sale", "100% customs clearance", "usdt", "telegram"],
            ),
        ];
        for (slug, needles) in checks {
            let vis = visible(&text(&get(&product_path(slug))));
            for n in needles {
                assert!(vis.contains(n), "{slug}: '{n}' not visible");
            }
        }
        // The obfuscated listings must not also carry the clean form.
        let vis = visible(&text(&get(
            "/product/4-anilino-n-phenethylpiperidine-white-powder.html",
        )));
        assert!(!vis.contains("phenethylpiperidine") && !vis.contains("21409"));
        let vis = visible(&text(&get("/product/cas-79099-powder.html")));
        assert!(!vis.contains("79099-07-3") && !vis.contains("boc") && !vis.contains("piperid"));
        let vis = visible(&text(&get(
            "/product/pharmaceutical-intermediate-powder-mexico-hot-sale.html",
        )));
        assert!(!vis.contains("39742") && !vis.contains("npp") && !vis.contains("piperidone"));
    }

    #[test]
    fn text_is_escaped() {
        let raw = text(&get("/product/aniline-62-53-3.html"));
        assert!(raw.contains("Aniline 99.9% for Dyes &amp; Pigments"));
        let raw = text(&get("/product/titanium-dioxide-rutile-13463-67-7.html"));
        assert!(raw.contains("size &lt; 0.3 um"));
        for path in product_paths().iter().filter(|p| !p.contains(GBK_SLUG)) {
            let mut s = text(&get(path));
            for (o, c) in [("<script", "</script>"), ("<style", "</style>")] {
                s = cut_blocks(s, o, c);
            }
            assert!(
                !s.contains(" & ") && !s.contains(" < ") && !s.contains(" > "),
                "{path} has raw markup chars"
            );
        }
    }

    #[test]
    fn search_and_misc_pages() {
        let t = text(&get("/search?q=citric+acid"));
        assert!(t.contains("/product/citric-acid-anhydrous-77-92-9.html"));
        let t = text(&get("/search?q=%3Cscript%3E"));
        assert!(t.contains("&lt;script&gt;") && !t.contains("\"<script>"));
        assert!(text(&get("/search")).contains("No products found"));
        for s in SUPPLIERS {
            let t = text(&get(&format!("/supplier/{}.html", s.slug)));
            assert!(t.contains(&format!("<link rel=\"canonical\" href=\"/supplier/{}.html\">", s.slug)));
        }
        assert!(text(&get("/category/pharmaceutical-intermediates?page=2")).contains("rel=\"prev\""));
    }

    #[test]
    fn deterministic() {
        for path in ["/", "/robots.txt", "/category/pharmaceutical-intermediates?page=3"] {
            assert_eq!(get(path).body, get(path).body);
        }
        for path in product_paths() {
            assert_eq!(get(&path).body, get(&path).body);
        }
    }
}
