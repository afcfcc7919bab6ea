set terminal svg size 960,540 dynamic background '#ffffff'
set output '/work/main/docs/concurrency-3952800.svg'
set title 'clearway-bench concurrency: scale-free:1000000 with 3952800 channels' noenhanced
set xlabel 'wall time (s)'
set ylabel 'payments in flight' noenhanced
set y2label 'RSS (GiB)' noenhanced
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key left top
set grid
plot '/work/main/docs/concurrency-3952800.svg.dat' using 1:2 with lines lw 2 title 'payments in flight' axes x1y1, '' using 1:3 with lines lw 2 title 'RSS (GiB)' axes x1y2
