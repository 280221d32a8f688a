# posttls.sh - posttls-finger as the DANE oracle, one word per domain.
# Sourced by tests/integration/test_lab_selftest.sh and test_postfix.sh;
# run inside the lab namespace (its /etc/resolv.conf names the validating
# unbound and its /etc/postfix is the lab's).
#   posttls_class DOMAIN [LEVEL] -> verified|untrusted|trusted|anonymous|error|none
posttls_class() {
    local out
    out=$(timeout 30 posttls-finger -t 5 -l "${2:-dane}" -c "$1" 2>&1)
    case "$out" in
        *"Verified TLS connection"*) echo verified ;;
        *"Untrusted TLS connection"*) echo untrusted ;;
        *"Trusted TLS connection"*) echo trusted ;;
        *"Anonymous TLS connection"*) echo anonymous ;;
        *"lookup failed"*|*"lookup error"*|*"lookup problem"*|*"Failed to establish"*|*"does not accept mail"*|*"not found"*) echo error ;;
        *) echo none ;;
    esac
}
