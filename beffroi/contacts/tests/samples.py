"""vCards as clients write them."""

from __future__ import annotations


def card_text(uid: str, name: str, *, version: str = "3.0", email: str = "", tel: str = "") -> str:
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid}", f"FN:{name}"]
    if version == "3.0":
        lines.append(f"N:{name.split()[-1]};{name.split()[0]};;;")
    if email:
        lines.append(f"EMAIL;TYPE=WORK:{email}")
    if tel:
        lines.append(f"TEL;TYPE=CELL:{tel}")
    lines += ["END:VCARD", ""]
    return "\r\n".join(lines)
