set terminal svg size 960,540 dynamic background '#ffffff'
set output 'docs/plots/routing.svg'
set title 'clearway-bench routing: route-search latency (1000 seeded pairs per graph)' noenhanced
set xlabel 'nodes' noenhanced
set ylabel 'microseconds per search' noenhanced
set logscale x
set logscale y
set key below
set grid
plot 'docs/plots/routing.svg.dat' index 0 using 1:2 with linespoints lw 2 pt 7 title 'scale-free, CPU p50' noenhanced, 'docs/plots/routing.svg.dat' index 1 using 1:2 with linespoints lw 2 pt 7 title 'scale-free, CPU p99' noenhanced, 'docs/plots/routing.svg.dat' index 2 using 1:2 with linespoints lw 2 pt 7 title 'scale-free, wall p50' noenhanced, 'docs/plots/routing.svg.dat' index 3 using 1:2 with linespoints lw 2 pt 7 title 'scale-free, wall p99' noenhanced, 'docs/plots/routing.svg.dat' index 4 using 1:2 with points pt 7 ps 1.5 title 'real graph, CPU p50' noenhanced, 'docs/plots/routing.svg.dat' index 5 using 1:2 with points pt 7 ps 1.5 title 'real graph, CPU p99' noenhanced
