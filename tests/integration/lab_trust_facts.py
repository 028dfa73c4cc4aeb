#!/usr/bin/python3
# tests/integration/lab_trust_facts.py SAM.LDB CONF: what a Samba DC's own database says of its
# trusted domain objects, for the trust rows of the account audit's integration test, as JSON
# {PARTNER: {"direction", "type", "attributes", "supported_etypes", "incoming", "outgoing"}}.
# incoming/outgoing name the kinds of the current trust password in trustAuthIncoming/Outgoing
# (drsblobs.trustAuthInOutBlob, decoded by Samba's own NDR code): "clear" (a cleartext password, from
# which the KDC makes AES and RC4 keys), "nt4owf" (the NT hash only: RC4), "version". Only the kinds
# are printed, never a password or a key.
import json
import sys

from samba.auth import system_session
from samba.dcerpc import drsblobs, lsa
from samba.ndr import ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB

KINDS = {lsa.TRUST_AUTH_TYPE_CLEAR: "clear", lsa.TRUST_AUTH_TYPE_NT4OWF: "nt4owf",
         lsa.TRUST_AUTH_TYPE_VERSION: "version", lsa.TRUST_AUTH_TYPE_NONE: "none"}

path, conf = sys.argv[1], sys.argv[2]
lp = LoadParm()
lp.load(conf)
db = SamDB(url=path, session_info=system_session(), lp=lp)


def kinds(msg, attr):
    if attr not in msg:
        return []
    blob = ndr_unpack(drsblobs.trustAuthInOutBlob, msg[attr][0])
    if blob.count == 0:
        return []
    return [KINDS.get(a.AuthType, str(a.AuthType)) for a in blob.current.array]


out = {}
for m in db.search(base=db.domain_dn(), expression="(objectClass=trustedDomain)",
                   attrs=["trustPartner", "trustDirection", "trustType", "trustAttributes",
                          "msDS-SupportedEncryptionTypes", "trustAuthIncoming", "trustAuthOutgoing"]):
    out[str(m["trustPartner"][0])] = {
        "direction": int(m["trustDirection"][0]),
        "type": int(m["trustType"][0]),
        "attributes": int(m["trustAttributes"][0]) if "trustAttributes" in m else 0,
        "supported_etypes": int(m["msDS-SupportedEncryptionTypes"][0]) if "msDS-SupportedEncryptionTypes" in m else None,
        "incoming": kinds(m, "trustAuthIncoming"),
        "outgoing": kinds(m, "trustAuthOutgoing"),
    }
print(json.dumps(out))
