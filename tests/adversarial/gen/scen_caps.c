#include "tests/adversarial/gen/scen.h"
void scen_caps(void)
{
}
