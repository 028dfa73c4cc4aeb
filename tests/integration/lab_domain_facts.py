#!/usr/bin/python3
# tests/integration/lab_domain_facts.py SAM.LDB CONF: what a Samba DC's own database says of the
# domain for the account audit's integration test, as JSON: the functional level and when it was last
# written (replPropertyMetaData, decoded by Samba's own NDR code), the domain's and the RID 521 group's
# whenCreated, every account's pwdLastSet (seconds since 1601) and the trusted domain objects.
import json
import sys

import ldb
from samba.auth import system_session
from samba.dcerpc import drsblobs, security
from samba.ndr import ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB

ATTID_BEHAVIOR_VERSION = 0x905B3

path, conf = sys.argv[1], sys.argv[2]
lp = LoadParm()
lp.load(conf)
db = SamDB(url=path, session_info=system_session(), lp=lp)
base = db.domain_dn()


def seconds(generalized):
    # "20261207143813.0Z" -> seconds since 1601 through ldb's own conversion (seconds since 1970).
    return int(ldb.string_to_time(str(generalized))) + 11644473600


head = db.search(base=base, scope=ldb.SCOPE_BASE,
                 attrs=["msDS-Behavior-Version", "replPropertyMetaData", "whenCreated", "objectSid"])[0]
meta = ndr_unpack(drsblobs.replPropertyMetaDataBlob, head["replPropertyMetaData"][0])
level_change = [m for m in meta.ctr.array if m.attid == ATTID_BEHAVIOR_VERSION][0]
sid = str(ndr_unpack(security.dom_sid, head["objectSid"][0]))
rodc = db.search(base=base, expression="(objectSid=%s-521)" % sid, attrs=["whenCreated"])
out = {
    "level": int(head["msDS-Behavior-Version"][0]),
    "level_version": int(level_change.version),
    "level_changed": int(level_change.originating_change_time) // 10000000,  # NTTIME -> seconds
    "domain_created": seconds(head["whenCreated"][0]),
    "rodc_created": seconds(rodc[0]["whenCreated"][0]) if len(rodc) else None,
    "pwd_last_set": {},
    "trusts": {},
}
for m in db.search(base=base, expression="(objectClass=user)", attrs=["sAMAccountName", "pwdLastSet"]):
    v = int(m["pwdLastSet"][0]) if "pwdLastSet" in m else 0
    out["pwd_last_set"][str(m["sAMAccountName"][0])] = v // 10000000 if v else None
for m in db.search(base=base, expression="(objectClass=trustedDomain)",
                   attrs=["trustPartner", "trustDirection", "trustType", "msDS-SupportedEncryptionTypes"]):
    out["trusts"][str(m["trustPartner"][0])] = {
        "direction": int(m["trustDirection"][0]),
        "type": int(m["trustType"][0]),
        "supported_etypes": int(m["msDS-SupportedEncryptionTypes"][0]) if "msDS-SupportedEncryptionTypes" in m else None,
    }
print(json.dumps(out))
