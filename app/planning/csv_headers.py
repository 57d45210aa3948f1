"""The header words of sellers' order lists, in English, Finnish and Swedish, and a Shopify
orders export's: each names one of the columns the order check reads (app/planning/orders.py).

A Shopify export has one line per item bought: an order of three items is three lines with the
same `Name` (#1001), the shipping columns filled on the first only. Its `Name` is the order's
number (our `reference`), `Shipping Name` the recipient, and the street, postcode and town come
in columns of their own, put together here as one address.
"""

from __future__ import annotations

import re

# Columns read besides the order's own fields: parts of an address written in columns of their
# own (joined into `address`), a second address line (a staircase and flat: for the driver,
# not for the geocoder).
PARTS = ("address2", "postcode", "city")

ALIASES = {
    # English
    "name": "recipient", "customer": "recipient", "recipient name": "recipient",
    "street address": "address", "delivery address": "address", "street": "address",
    "address 1": "address", "address1": "address", "address 2": "address2",
    "address2": "address2",
    "telephone": "phone", "mobile": "phone", "phone number": "phone",
    "order": "reference", "order id": "reference", "order number": "reference", "ref": "reference",
    "note": "notes", "instructions": "notes", "delivery instructions": "notes",
    "time slot": "slot", "timeslot": "slot", "window": "slot", "delivery window": "slot",
    "pick up": "pickup", "pickup address": "pickup", "collect from": "pickup",
    "pick up from": "pickup", "pickup from": "pickup",
    "packages": "parcels", "parcel count": "parcels", "number of parcels": "parcels",
    "parcel": "parcels", "boxes": "parcels",
    "zip": "postcode", "zip code": "postcode", "postal code": "postcode", "post code": "postcode",
    "town": "city",
    # Finnish
    "vastaanottaja": "recipient", "nimi": "recipient", "asiakas": "recipient",
    "osoite": "address", "katuosoite": "address", "toimitusosoite": "address",
    "puhelin": "phone", "puhelinnumero": "phone", "matkapuhelin": "phone",
    "viite": "reference", "tilausnumero": "reference", "tilaus": "reference",
    "lisätiedot": "notes", "lisatiedot": "notes", "huomautukset": "notes", "ohjeet": "notes",
    "aikaikkuna": "slot", "toimitusaika": "slot", "toimitusikkuna": "slot",
    "ohjelma": "program", "nouto": "pickup", "noutopaikka": "pickup", "nouto osoite": "pickup",
    "paketit": "parcels", "pakettimäärä": "parcels", "pakettien määrä": "parcels",
    "kollit": "parcels", "kollimäärä": "parcels",
    "postinumero": "postcode", "postitoimipaikka": "city", "kaupunki": "city",
    "paikkakunta": "city",
    # Swedish
    "mottagare": "recipient", "namn": "recipient", "kund": "recipient",
    "adress": "address", "gatuadress": "address", "leveransadress": "address",
    "telefon": "phone", "telefonnummer": "phone", "mobil": "phone", "mobilnummer": "phone",
    "referens": "reference", "ordernummer": "reference", "order nr": "reference",
    "anteckningar": "notes", "övrigt": "notes", "instruktioner": "notes", "meddelande": "notes",
    "tidsfönster": "slot", "leveransfönster": "slot", "leveranstid": "slot",
    "program": "program", "upphämtning": "pickup", "hämtas från": "pickup",
    "paket": "parcels", "antal paket": "parcels", "kollin": "parcels", "antal kollin": "parcels",
    "postnummer": "postcode", "postort": "city", "ort": "city", "stad": "city",
}

# A Shopify orders export, recognised by its `Shipping Name` column.
SHOPIFY = {
    "name": "reference", "shipping name": "recipient", "shipping address1": "address",
    "shipping address2": "address2", "shipping street": "shipping street",
    "shipping zip": "postcode", "shipping city": "city", "shipping phone": "phone",
    "notes": "notes",
}


def fold_header(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().lower().replace("_", " ").replace("-", " "))


def columns(names: list[str]) -> tuple[list[str], bool]:
    """The column each header names, and whether the file is a Shopify export."""
    keys = [fold_header(n) for n in names]
    shopify = "shipping name" in keys
    out = []
    for key in keys:
        if shopify and key in SHOPIFY:
            out.append(SHOPIFY[key])
        elif shopify and key == "phone":
            out.append("buyer phone")  # the buyer's: texts go to it when no shipping phone
        elif shopify and key in ("address", "address1", "address2", "city", "zip"):
            out.append("ignored: " + key)  # the billing address, not the delivery's
        else:
            out.append(ALIASES.get(key, key))
    return out, shopify


def address_of(raw: dict[str, str]) -> tuple[str, str]:
    """The address as typed (for the driver: the flat too) and as asked of the geocoder
    (street and number, postcode and town): `Mannerheimintie 5 A 12, 00100 Helsinki`."""
    street = raw.get("address", "")
    town = " ".join(v for v in (raw.get("postcode", ""), raw.get("city", "")) if v)
    # An address that already ends in its postcode or town keeps its own.
    if town and fold_header(town) in fold_header(street):
        town = ""
    flat = raw.get("address2", "")
    typed = ", ".join(v for v in (" ".join(v for v in (street, flat) if v), town) if v)
    query = ", ".join(v for v in (street, town) if v)
    return typed, query
