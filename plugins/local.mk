# plugins: rules added as parts land
