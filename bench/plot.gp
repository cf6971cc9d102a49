# bench/plot.gp: the throughput bars of a bench run.
# gnuplot -e "datafile='...'; outfile='...'; ncols=N; subtitle='...'" plot.gp
# datafile: a header line (cell, then one column per stack) and one line per
# cell (direction and streams), tab-separated, Gbit/s (0 = failed).
set terminal pngcairo size 1100,560 font "sans,10"
set output outfile
set datafile separator "\t"
set key autotitle columnhead  # the first line is the header, for every plot
set title "tern bench: iperf3 throughput through a TUN (Gbit/s)\n{/*0.8 ".subtitle."}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right
set grid ytics
set yrange [0:*]
set ylabel "Gbit/s"
set xtics nomirror
plot for [c=2:ncols] datafile using c:xtic(1) title columnhead(c), \
     for [c=2:ncols] datafile using ($0 + (c - 2 - (ncols - 2) / 2.0) / ncols):(column(c)):(column(c) > 0 ? sprintf("%.2f", column(c)) : "failed") \
         every ::0 with labels font "sans,7" offset 0,0.6 notitle
