          # Every day the fetch ledger (data/fetch-ledger.toml) lacks, up to yesterday: the days
          # after its newest one, or the last 14 if later, so a day that failed is asked again.
          status=0
          digest fetch hf --missing || status=$?
          check "$status" "digest fetch hf --missing" || true
