//! The emulator's own PC437 table (`ESC t 0` on every ESC/POS printer): the glyphs of bytes
//! 0x80-0xFF as printed in the makers' character code tables. Kept apart from the encoder's
//! crate on purpose, so that a round trip checks one table against another.

/// Bytes 0x80-0xFF, sixteen per row.
const HIGH_HALF: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{A0}',
];

/// Text bytes printed in PC437.
pub(super) fn decode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b.checked_sub(0x80) {
            Some(high) => HIGH_HALF[usize::from(high)],
            None => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code_page::CodePage;

    #[test]
    fn decodes_what_the_encoder_writes_for_every_byte() {
        assert_eq!(decode(b"B\x81rgeramt \x8E\x99\x9A\xE1"), "Bürgeramt ÄÖÜß");
        // The encoder's crate and this table agree on all 128 upper glyphs.
        for (i, glyph) in HIGH_HALF.iter().enumerate() {
            let encoded = CodePage::Pc437.encode(&glyph.to_string());
            assert_eq!(encoded, Some(vec![0x80 + i as u8]), "{glyph:?}");
        }
    }
}
