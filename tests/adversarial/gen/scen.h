/* scen.h - the groups of scenario definitions (gen/scen_*.c). */
#ifndef DP_SCEN_H
#define DP_SCEN_H
#include "tests/adversarial/gen/gen.h"

void emit(gscn *s);             /* write and free (gen/main.c) */
void scen_basic(void);          /* signatures, keys, DS (scen_basic.c) */
void scen_wildcard(void);       /* RFC 4592 and expanded records (scen_wildcard.c) */
void scen_denial(void);         /* NSEC/NSEC3 denial rules (scen_denial.c) */
void scen_chain(void);          /* CNAME/DNAME chains, zones (scen_chain.c) */
void scen_caps(void);           /* KeyTrap, NSEC3 floods (scen_caps.c) */
#endif
