set terminal svg size 960,540 dynamic background '#ffffff'
set output 'docs/plots/throughput_ln.svg'
set title 'clearway-bench throughput: ln-2020-12 (full crypto, 2 threads)' noenhanced
set xlabel 'offered payments/s (virtual clock)' noenhanced
set ylabel 'per second (wall clock)' noenhanced
set logscale x
set logscale y
set key below
set grid
plot 'docs/plots/throughput_ln.svg.dat' index 0 using 1:2 with linespoints lw 2 pt 7 title 'offered (y = x: keeping up)' noenhanced, 'docs/plots/throughput_ln.svg.dat' index 1 using 1:2 with linespoints lw 2 pt 7 title 'achieved payments/s' noenhanced, 'docs/plots/throughput_ln.svg.dat' index 2 using 1:2 with linespoints lw 2 pt 7 title 'HTLC hop-updates/s' noenhanced, 'docs/plots/throughput_ln.svg.dat' index 3 using 1:2 with linespoints lw 2 pt 7 title 'signatures made + verified /s' noenhanced, 'docs/plots/throughput_ln.svg.dat' index 4 using 1:2 with linespoints lw 2 pt 7 title 'crypto ceiling: signatures made + verified /s, all cores' noenhanced
