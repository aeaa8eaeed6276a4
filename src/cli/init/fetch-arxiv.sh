          # The query's papers submitted since $from (arXiv's submittedDate, in UTC).
          status=0
          digest fetch arxiv --max 2000 \
            --query "($ARXIV_QUERY) AND submittedDate:[${from//-/}0000 TO $(date -u +%Y%m%d)2359]" \
            || status=$?
          check "$status" "digest fetch arxiv" || true
