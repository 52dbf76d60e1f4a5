function(add_migrations)
endfunction()
