# tests: rules added as parts land
