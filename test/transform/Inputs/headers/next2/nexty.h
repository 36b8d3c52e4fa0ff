static const int nexty_base = 5;
