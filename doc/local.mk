# doc: rules added as parts land
