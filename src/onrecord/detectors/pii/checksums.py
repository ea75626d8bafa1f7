"""Checksums and validity rules of identifiers (input: the digits/characters, separators removed)."""

from __future__ import annotations


def digits(s: str) -> str:
    """The characters of ``s`` for which ``str.isdigit`` holds, in order."""
    return "".join(filter(str.isdigit, s))


def luhn(num: str) -> bool:
    """Luhn mod-10 (payment cards, CA SIN)."""
    if not num.isdigit() or len(num) < 2:
        return False
    total = 0
    for i, c in enumerate(reversed(num)):
        d = ord(c) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


CARD_PREFIXES = ("4", "5", "2", "34", "37", "36", "30", "38", "39", "6", "35", "1800", "2131", "50", "67", "63")


def credit_card(num: str) -> bool:
    """12–19 digits, a known issuer prefix, Luhn."""
    return 12 <= len(num) <= 19 and num.startswith(CARD_PREFIXES) and luhn(num) and len(set(num)) > 1


IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AE": 23,
    "AL": 28,
    "AT": 20,
    "AZ": 28,
    "BA": 20,
    "BE": 16,
    "BG": 22,
    "BH": 22,
    "BR": 29,
    "CH": 21,
    "CR": 22,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "DO": 28,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FO": 18,
    "FR": 27,
    "GB": 22,
    "GE": 22,
    "GI": 23,
    "GL": 18,
    "GR": 27,
    "GT": 28,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IL": 23,
    "IS": 26,
    "IT": 27,
    "JO": 30,
    "KW": 30,
    "KZ": 20,
    "LB": 28,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MC": 27,
    "MD": 24,
    "ME": 22,
    "MK": 19,
    "MR": 27,
    "MT": 31,
    "MU": 30,
    "NL": 18,
    "NO": 15,
    "PK": 24,
    "PL": 28,
    "PS": 29,
    "PT": 25,
    "QA": 29,
    "RO": 24,
    "RS": 22,
    "SA": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "TN": 24,
    "TR": 26,
    "UA": 29,
    "VG": 24,
    "XK": 20,
}


def iban(code: str) -> bool:
    """ISO 13616: country length and mod-97 == 1."""
    code = code.replace(" ", "").upper()
    if len(code) < 15 or not code[:2].isalpha() or not code[2:4].isdigit():
        return False
    want = IBAN_LENGTHS.get(code[:2])
    if want is not None and len(code) != want:
        return False
    moved = code[4:] + code[:4]
    try:
        n = int("".join(str(int(c, 36)) for c in moved))
    except ValueError:
        return False
    return n % 97 == 1


def us_ssn(num: str) -> bool:
    """Area not 000/666/9xx, group not 00, serial not 0000, not a well-known dummy."""
    if len(num) != 9 or not num.isdigit():
        return False
    area, group, serial = num[:3], num[3:5], num[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return num not in ("123456789", "078051120", "219099999")


NINO_BAD_PREFIX = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def uk_nino(code: str) -> bool:
    """Two prefix letters (rules of HMRC), six digits, suffix A–D."""
    c = code.replace(" ", "").upper()
    if len(c) != 9 or not c[:2].isalpha() or not c[2:8].isdigit() or c[8] not in "ABCD":
        return False
    return not (c[:2] in NINO_BAD_PREFIX or c[0] in "DFIQUV" or c[1] in "DFIOQUV")


def uk_nhs(num: str) -> bool:
    """10 digits, mod-11 check digit (weights 10..2)."""
    if len(num) != 10 or not num.isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(num[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(num[9])


def nz_ird(num: str) -> bool:
    """8 or 9 digits in 10,000,000–150,000,000, IRD mod-11 with the two weight sets."""
    if not num.isdigit() or len(num) not in (8, 9):
        return False
    n = int(num)
    if not 10_000_000 < n < 150_000_000:
        return False
    base = num.zfill(9)[:8]
    check = int(num[-1])
    for weights in ((3, 2, 7, 6, 5, 4, 3, 2), (7, 4, 3, 2, 5, 2, 7, 6)):
        r = sum(int(c) * w for c, w in zip(base, weights, strict=True)) % 11
        if r == 0:
            return check == 0
        c = 11 - r
        if c != 10:
            return check == c
    return False


def au_tfn(num: str) -> bool:
    """9 digits, weighted sum (1,4,3,7,5,8,6,9,10) divisible by 11."""
    if len(num) != 9 or not num.isdigit():
        return False
    return sum(int(c) * w for c, w in zip(num, (1, 4, 3, 7, 5, 8, 6, 9, 10), strict=True)) % 11 == 0


def ca_sin(num: str) -> bool:
    """9 digits, Luhn, not starting with 0 or 8."""
    return len(num) == 9 and num[0] not in "08" and luhn(num)


def ipv4(s: str) -> bool:
    parts = s.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)
