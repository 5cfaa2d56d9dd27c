//! Every character the pages can show is in the subset fonts (`scripts/subset-fonts`), so
//! a visitor's phone never needs the whole fonts for the building's own texts. Reads the
//! subsets' character maps from the WOFF2 files the server embeds.

use std::collections::BTreeSet;

use super::assets;

/// The WOFF2 table directory's index of the tables whose transform version 0 means
/// "transformed" (for all others it means "as in the font").
const GLYF: u8 = 10;
const LOCA: u8 = 11;
const CMAP: u8 = 0;

/// A `UIntBase128` of the WOFF2 table directory.
fn base128(data: &[u8], at: &mut usize) -> usize {
    let mut value = 0;
    for _ in 0..5 {
        let byte = data[*at];
        *at += 1;
        value = (value << 7) | usize::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return value;
        }
    }
    panic!("a UIntBase128 longer than 5 bytes");
}

/// The code points the WOFF2 font `font` maps to glyphs (its `cmap`): the table directory
/// gives where `cmap` lies in the Brotli stream of all tables (WOFF2 never transforms it).
fn code_points(name: &str, font: &[u8]) -> BTreeSet<u32> {
    assert_eq!(&font[..4], b"wOF2", "{name} is WOFF2");
    let tables = usize::from(u16::from_be_bytes([font[12], font[13]]));
    let compressed = u32::from_be_bytes([font[20], font[21], font[22], font[23]]) as usize;
    let (mut at, mut offset, mut cmap) = (48, 0, None);
    for _ in 0..tables {
        let flags = font[at];
        at += 1;
        let index = flags & 0x3f;
        if index == 63 {
            at += 4; // an explicit tag: not one of the three we look at
        }
        let length = base128(font, &mut at);
        let version = flags >> 6;
        let transformed = if index == GLYF || index == LOCA {
            version == 0
        } else {
            version != 0
        };
        let stored = if transformed {
            base128(font, &mut at)
        } else {
            length
        };
        if index == CMAP {
            cmap = Some(offset..offset + stored);
        }
        offset += stored;
    }
    let mut tables = Vec::new();
    brotli_decompressor::BrotliDecompress(&mut &font[at..at + compressed], &mut tables)
        .unwrap_or_else(|error| panic!("{name}: {error}"));
    let cmap = cmap.unwrap_or_else(|| panic!("{name} has no cmap"));
    let cmap = ttf_parser::cmap::Table::parse(&tables[cmap])
        .unwrap_or_else(|| panic!("{name}: the cmap does not parse"));
    let mut points = BTreeSet::new();
    for subtable in cmap
        .subtables
        .into_iter()
        .filter(|table| table.is_unicode())
    {
        subtable.codepoints(|point| {
            if subtable
                .glyph_index(point)
                .is_some_and(|glyph| glyph.0 != 0)
            {
                points.insert(point);
            }
        });
    }
    points
}

/// Every string in a TOML document.
fn strings(value: &toml::Value, out: &mut Vec<String>) {
    match value {
        toml::Value::String(text) => out.push(text.clone()),
        toml::Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        toml::Value::Table(table) => table.values().for_each(|item| strings(item, out)),
        _ => {}
    }
}

/// The texts the visitor pages show: the status texts and floor names in every language and the sample
/// building's names (site, agencies, services, directions) in every language.
fn page_texts() -> Vec<String> {
    let mut texts = Vec::new();
    for source in [
        include_str!("status_texts.toml"),
        include_str!("../config/building.toml"),
        include_str!("../../protocol/src/floors.toml"),
    ] {
        let document: toml::Value = toml::from_str(source).expect("valid TOML");
        strings(&document, &mut texts);
    }
    texts
}

/// Characters that need no glyph: joiners and direction marks are invisible.
fn needs_glyph(character: char) -> bool {
    !matches!(character, '\u{200C}'..='\u{200F}')
        && (character == ' ' || !character.is_whitespace())
}

#[test]
fn every_character_of_the_page_texts_is_in_the_subset_fonts_in_both_weights() {
    for weight in ["Regular", "Bold"] {
        let covered: BTreeSet<u32> = assets::fonts()
            .filter(|(name, _)| name.contains(&format!("-{weight}.subset")))
            .flat_map(|(name, font)| code_points(name, font))
            .collect();
        assert!(covered.contains(&u32::from('A')), "{weight}: Latin read");
        for text in page_texts() {
            let missing: String = text
                .chars()
                .filter(|c| needs_glyph(*c) && !covered.contains(&u32::from(*c)))
                .collect();
            assert!(
                missing.is_empty(),
                "{weight}: {missing:?} of {text:?} is in no subset font: run scripts/subset-fonts"
            );
        }
    }
}

#[test]
fn the_whole_fonts_cover_more_than_their_subsets() {
    let fonts: Vec<_> = assets::fonts().collect();
    for (name, font) in fonts.iter().filter(|(name, _)| name.contains(".subset")) {
        let whole = format!("{}.woff2", name.split(".subset").next().unwrap_or(name));
        let (_, whole_font) = fonts
            .iter()
            .find(|(n, _)| *n == whole)
            .expect("its whole font");
        let subset = code_points(name, font);
        let all = code_points(&whole, whole_font);
        assert!(subset.is_subset(&all) && all.len() > subset.len(), "{name}");
    }
}
