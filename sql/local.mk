# sql: rules added as parts land
