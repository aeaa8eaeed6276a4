          day=$from
          while [[ ! "$day" > "$yesterday" ]]; do
            status=0
            digest fetch hf --date "$day" || status=$?
            check "$status" "digest fetch hf --date $day" || break
            day=$(date -u -d "$day + 1 day" +%F)
          done
