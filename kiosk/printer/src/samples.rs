//! Sample tickets in several languages, for tests, the size benchmark and the documentation
//! images. Texts are from the embedded demo building.

use crate::layout::{Concern, TicketPrint};

pub const SAMPLE_URL: &str = "https://warten.migrationsagentur.example/t/q0Wm3c9YbVnTt2uXh5kLdA8s";

fn concern(name: &str, german: &str, language: &str) -> Concern {
    Concern {
        name: name.to_owned(),
        name_de: (language != "de").then(|| german.to_owned()),
    }
}

/// A two-concern ticket in `language` (de, ar, fa, ps, ti, tr, uk; others fall back to English
/// texts with German names).
pub fn sample_ticket(language: &str) -> TicketPrint {
    let (agency, first, second, documents) = match language {
        "ar" => (
            "دائرة الأجانب",
            "تمديد الإقامة",
            "بطاقة الدفع وصرف المال",
            "جواز السفر، صورة بيومترية، عقد الإيجار",
        ),
        "fa" => (
            "اداره اتباع خارجی",
            "تمدید اجازه اقامت",
            "کارت پرداخت و دریافت پول",
            "پاسپورت، عکس بیومتریک، قرارداد اجاره",
        ),
        "ps" => (
            "د بهرنیانو اداره",
            "د استوګنې جواز غځول",
            "د تادیې کارت او د پیسو ورکړه",
            "پاسپورټ، بایومتریک عکس، د کرایې تړون",
        ),
        "ti" => (
            "ቤት ጽሕፈት ጉዳይ ወጻእተኛታት",
            "ምሕዳስ ፍቓድ መንበሪ",
            "ካርድ ክፍሊትን ምኽፋል ገንዘብን",
            "ፓስፖርት፣ ባዮሜትሪክ ስእሊ፣ ውዕል ክራይ ገዛ",
        ),
        "uk" => (
            "Відомство у справах іноземців",
            "Продовжити дозвіл на проживання",
            "Платіжна картка і виплати",
            "Паспорт, біометричне фото, договір оренди",
        ),
        "tr" => (
            "Yabancılar Dairesi",
            "Oturma izninin uzatılması",
            "Ödeme kartı ve ödemeler",
            "Pasaport, biyometrik fotoğraf, kira sözleşmesi",
        ),
        "de" => (
            "Ausländerbehörde",
            "Aufenthaltstitel verlängern",
            "Bezahlkarte und Auszahlung",
            "Pass, biometrisches Foto, Mietvertrag, Einkommensnachweis",
        ),
        _ => (
            "Immigration Office",
            "Extend residence permit",
            "Payment card and payouts",
            "Passport, biometric photo, rental contract",
        ),
    };
    TicketPrint {
        language: language.to_owned(),
        // The building's name as on its sign; the localised one is for screens.
        site_name: "Migrationsagentur Burgenlandkreis".to_owned(),
        number: "A-042".to_owned(),
        agency: agency.to_owned(),
        concerns: vec![
            concern(first, "Aufenthaltstitel verlängern", language),
            concern(second, "Bezahlkarte und Auszahlung", language),
        ],
        people_ahead: Some(7),
        wait_minutes: Some(35),
        appointment_time: None,
        documents: Some(documents.to_owned()),
        issued: "21.11.2026 09:14".to_owned(),
        status_url: SAMPLE_URL.to_owned(),
        interpreter: false,
    }
}
