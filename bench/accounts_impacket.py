#!/usr/bin/python3
# bench/accounts_impacket.py REALM KDC FILE: what an admin would script without legacyscan for the
# credential-free question of bench/accounts, on the Kerberos classes of Debian's python3-impacket: per
# name in FILE, three AS-REQs without pre-authentication (AES 18+17, RC4 23, DES 3+1) over TCP, one
# name after the other, each answer named as legacyscan names it. Prints "NAME AES RC4 DES" per line.
# Nothing of an AS-REP's encrypted part is kept.
import datetime
import random
import sys

from impacket.krb5 import constants
from impacket.krb5.asn1 import AS_REQ, KERB_PA_PAC_REQUEST, KRB_ERROR, seq_set, seq_set_iter
from impacket.krb5.kerberosv5 import KerberosError, sendReceive
from impacket.krb5.types import KerberosTime, Principal
from pyasn1.codec.der import decoder, encoder
from pyasn1.type.univ import noValue

realm, kdc, path = sys.argv[1], sys.argv[2], sys.argv[3]
NAMES = {6: "principal-unknown", 14: "etype-nosupp", 18: "client-revoked", 25: "preauth-required"}


def as_req(user, etypes):
    req = AS_REQ()
    pac = KERB_PA_PAC_REQUEST()
    pac["include-pac"] = True
    req["pvno"] = 5
    req["msg-type"] = int(constants.ApplicationTagNumbers.AS_REQ.value)
    req["padata"] = noValue
    req["padata"][0] = noValue
    req["padata"][0]["padata-type"] = int(constants.PreAuthenticationDataTypes.PA_PAC_REQUEST.value)
    req["padata"][0]["padata-value"] = encoder.encode(pac)
    body = seq_set(req, "req-body")
    body["kdc-options"] = constants.encodeFlags([constants.KDCOptions.forwardable.value])
    seq_set(body, "sname", Principal("krbtgt/" + realm, type=constants.PrincipalNameType.NT_PRINCIPAL.value)
            .components_to_asn1)
    seq_set(body, "cname", Principal(user, type=constants.PrincipalNameType.NT_PRINCIPAL.value).components_to_asn1)
    body["realm"] = realm
    till = datetime.datetime.utcnow() + datetime.timedelta(days=1)
    body["till"] = KerberosTime.to_asn1(till)
    body["rtime"] = KerberosTime.to_asn1(till)
    body["nonce"] = random.getrandbits(31)
    seq_set_iter(body, "etype", etypes)
    return encoder.encode(req)


def answer(user, etypes):
    try:
        r = sendReceive(as_req(user, etypes), realm, kdc)
    except KerberosError as e:
        return NAMES.get(e.getErrorCode(), "other-error")
    except OSError:
        return "no-answer"
    try:
        err = decoder.decode(r, asn1Spec=KRB_ERROR())[0]
        return NAMES.get(int(err["error-code"]), "other-error")
    except Exception:
        return "as-rep"


with open(path) as names:
    for line in names:
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        print(name, answer(name, (18, 17)), answer(name, (23,)), answer(name, (3, 1)))
