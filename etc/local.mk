# etc: rules added as parts land
