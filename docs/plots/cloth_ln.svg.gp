set terminal svg size 960,540 dynamic background '#ffffff'
set output 'docs/plots/cloth_ln.svg'
set title 'clearway-bench cloth: ln-2020-12, outcome by arrival time (CLoTH''s taxonomy)' noenhanced
set xlabel 'arrival (virtual s)' noenhanced
set ylabel 'share of the payments arriving in the window (%)' noenhanced
set key below
set grid
plot 'docs/plots/cloth_ln.svg.dat' index 0 using 1:2 with linespoints lw 2 pt 7 title 'Success' noenhanced, 'docs/plots/cloth_ln.svg.dat' index 1 using 1:2 with linespoints lw 2 pt 7 title 'FailNoPath' noenhanced, 'docs/plots/cloth_ln.svg.dat' index 2 using 1:2 with linespoints lw 2 pt 7 title 'FailNoBalance' noenhanced, 'docs/plots/cloth_ln.svg.dat' index 3 using 1:2 with linespoints lw 2 pt 7 title 'FailOfflineNode' noenhanced, 'docs/plots/cloth_ln.svg.dat' index 4 using 1:2 with linespoints lw 2 pt 7 title 'FailTimeoutExpired' noenhanced
