#!/usr/bin/python3
# tests/integration/lab_account_keys.py SAM.LDB CONF [NAME...]: what a Samba DC's own database says about
# each account (every user and computer when no NAME is given), as JSON {NAME: {"exists", "key_types", "uac", "supported_etypes", "spns"}} for the
# account audit's integration test. key_types are the etype numbers of the Kerberos keys the DC stores
# (supplementalCredentials: Primary:Kerberos-Newer-Keys, else Primary:Kerberos; 23 when unicodePwd, the
# NT hash that is the RC4 key, is set). Only the key types are printed, never a key.
import json
import sys

import ldb
from samba.auth import system_session
from samba.dcerpc import drsblobs
from samba.ndr import ndr_unpack
from samba.param import LoadParm
from samba.samdb import SamDB

path, conf, names = sys.argv[1], sys.argv[2], sys.argv[3:]
lp = LoadParm()
lp.load(conf)
db = SamDB(url=path, session_info=system_session(), lp=lp)


def key_types(msg):
    types = []
    if "supplementalCredentials" in msg:
        blob = ndr_unpack(drsblobs.supplementalCredentialsBlob, msg["supplementalCredentials"][0])
        packages = {p.name: p for p in blob.sub.packages}
        for name in ("Primary:Kerberos-Newer-Keys", "Primary:Kerberos"):
            if name in packages:
                kb = ndr_unpack(drsblobs.package_PrimaryKerberosBlob, bytes.fromhex(packages[name].data))
                types = [int(k.keytype) for k in kb.ctr.keys]
                break
    if "unicodePwd" in msg and 23 not in types:
        types.append(23)
    return types


if not names:
    names = [str(m["sAMAccountName"][0]) for m in db.search(expression="(objectClass=user)", attrs=["sAMAccountName"])]
out = {}
for name in names:
    res = db.search(expression="(sAMAccountName=%s)" % ldb.binary_encode(name),
                    attrs=["supplementalCredentials", "unicodePwd", "userAccountControl",
                           "msDS-SupportedEncryptionTypes", "servicePrincipalName"])
    if len(res) == 0:
        out[name] = {"exists": False}
        continue
    m = res[0]
    out[name] = {
        "exists": True,
        "key_types": key_types(m),
        "uac": int(m["userAccountControl"][0]),
        "supported_etypes": int(m["msDS-SupportedEncryptionTypes"][0]) if "msDS-SupportedEncryptionTypes" in m else None,
        "spns": [str(s) for s in m.get("servicePrincipalName", [])],
    }
print(json.dumps(out))
