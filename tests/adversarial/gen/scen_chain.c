#include "tests/adversarial/gen/scen.h"
void scen_chain(void)
{
}
