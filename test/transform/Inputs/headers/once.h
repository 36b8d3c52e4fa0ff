/* Guarded by #pragma once only; included twice. */
#pragma once
int step(int v);
static int thrice(int v) { return step(v) + step(v) + step(v); }
