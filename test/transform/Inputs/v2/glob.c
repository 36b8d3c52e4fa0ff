struct state {
  char letter;
  unsigned long count;
};
struct state state = {'A', 0};
int unchanged = 1;
static int hits;
char next(void) { hits++; state.count++; return state.letter; }
