void step(void);
int count(void);
