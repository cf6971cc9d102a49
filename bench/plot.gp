# bench/plot.gp: the throughput bars of a bench run, and the same cells in
# Gbit/s per relay core (throughput over the relay's CPU).
# gnuplot -e "datafile='...'; datafile2='...'; outfile='...'; ncols=N; ncols2=M; subtitle='...'" plot.gp
# datafile: a header line (cell, then one column per stack) and one line per
# cell (direction and streams), tab-separated, Gbit/s (0 = failed);
# datafile2: the same for Gbit/s per relay core (no kernel column: its
# colours are shifted by one so that a stack keeps its colour).
set terminal pngcairo size 1100,1000 font "sans,10"
set output outfile
set datafile separator "\t"
set key autotitle columnhead  # the first line is the header, for every plot
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right
set grid ytics
set yrange [0:*]
set xtics nomirror
set multiplot layout 2,1
set title "tern bench: iperf3 throughput through a TUN (Gbit/s)\n{/*0.8 ".subtitle."}"
set ylabel "Gbit/s"
plot for [c=2:ncols] datafile using c:xtic(1) title columnhead(c) lc (c - 1), \
     for [c=2:ncols] datafile using ($0 + (c - 2 - (ncols - 2) / 2.0) / ncols):(column(c)):(column(c) > 0 ? sprintf("%.2f", column(c)) : "failed") \
         every ::0 with labels font "sans,7" offset 0,0.6 notitle
set title "Gbit/s per relay core (throughput over the relay's CPU; socat: its children included)"
set ylabel "Gbit/s per core"
plot for [c=2:ncols2] datafile2 using c:xtic(1) title columnhead(c) lc c, \
     for [c=2:ncols2] datafile2 using ($0 + (c - 2 - (ncols2 - 2) / 2.0) / ncols2):(column(c)):(column(c) > 0 ? sprintf("%.2f", column(c)) : "n/a") \
         every ::0 with labels font "sans,7" offset 0,0.6 notitle
unset multiplot
