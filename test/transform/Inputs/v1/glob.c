struct state {
  char letter;
};
struct state state = {'A'};
int unchanged = 1;
static int hits;
char next(void) { hits++; return state.letter; }
